package dev.deliberate.medical.dicom;

import java.util.Optional;

/**
 * Choices for {@link DicomWriter}.
 *
 * @param transferSyntax           the transfer syntax to write; empty keeps the source's (explicit VR big endian
 *                                 sources are written as explicit VR little endian)
 * @param undefinedLengthSequences write sequences and items with undefined length and delimiters (true) or with
 *                                 explicit lengths (false)
 * @param keepGroupLengths         keep group length elements (gggg,0000) other than the file meta group's; they are
 *                                 retired and dropped by default, because re-encoded values would make them wrong
 */
public record DicomWriteOptions(Optional<TransferSyntax> transferSyntax, boolean undefinedLengthSequences,
        boolean keepGroupLengths) {

    /** Validates: only little-endian uncompressed, deflated or encapsulated (pass-through) syntaxes are written. */
    public DicomWriteOptions {
        transferSyntax = transferSyntax == null ? Optional.empty() : transferSyntax;
        transferSyntax.ifPresent(ts -> {
            if (ts.bigEndian()) {
                throw new IllegalArgumentException("writing Explicit VR Big Endian (retired) is not supported");
            }
        });
    }

    /** Keep the source's transfer syntax, defined-length sequences, drop group lengths. */
    public static DicomWriteOptions defaults() {
        return new DicomWriteOptions(Optional.empty(), false, false);
    }

    /** These options writing the given transfer syntax. */
    public DicomWriteOptions withTransferSyntax(TransferSyntax ts) {
        return new DicomWriteOptions(Optional.of(ts), undefinedLengthSequences, keepGroupLengths);
    }

    /** These options with undefined-length sequences on or off. */
    public DicomWriteOptions withUndefinedLengthSequences(boolean undefined) {
        return new DicomWriteOptions(transferSyntax, undefined, keepGroupLengths);
    }
}
