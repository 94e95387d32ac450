package dev.deliberate.medical.render;

import dev.deliberate.medical.dicom.TransferSyntax;
import java.util.Objects;

/**
 * The pixel data is compressed with a transfer syntax this renderer does not decode (JPEG Lossless, JPEG-LS, JPEG
 * 2000, 12-bit JPEG, video...). Decompress first (e.g. {@code dcmdjpeg}, {@code gdcmconv --raw}).
 */
public class UnsupportedTransferSyntaxException extends RenderException {
    private static final long serialVersionUID = 1L;

    private final transient TransferSyntax transferSyntax;

    /**
     * @param transferSyntax the syntax
     * @param detail         why it is not supported
     */
    public UnsupportedTransferSyntaxException(TransferSyntax transferSyntax, String detail) {
        super("cannot decode pixel data in " + transferSyntax.name() + " (" + transferSyntax.uid() + "): " + detail);
        this.transferSyntax = Objects.requireNonNull(transferSyntax);
    }

    /** The transfer syntax that could not be decoded. */
    public TransferSyntax transferSyntax() {
        return transferSyntax;
    }
}
