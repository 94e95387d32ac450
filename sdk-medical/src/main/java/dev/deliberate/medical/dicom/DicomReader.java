package dev.deliberate.medical.dicom;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Reads DICOM Part 10 files and bare datasets into {@link DicomObject}s.
 *
 * <p>Supported: preamble + "DICM" + file meta; implicit VR little endian, explicit VR little endian, explicit VR big
 * endian, deflated explicit VR little endian; encapsulated pixel data as fragments; sequences and items of defined
 * and undefined length; UN of undefined length (read as an implicit VR sequence); all VRs. Large values are kept as
 * lazy {@link BulkData}. Every length is bounded (see {@link DicomReadOptions}); bad input fails with
 * {@link DicomParseException}. Instances are immutable and thread-safe.
 *
 * <pre>{@code
 * DicomFile f = DicomReader.standard().read(Path.of("CT_small.dcm"));
 * String name = f.dataset().getString(Tags.PatientName).orElse("");
 * }</pre>
 */
public final class DicomReader {
    private static final DicomReader STANDARD = new DicomReader(DicomReadOptions.defaults());

    private final DicomReadOptions options;

    /** A reader with these options. */
    public DicomReader(DicomReadOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** A reader with {@link DicomReadOptions#defaults()}. */
    public static DicomReader standard() {
        return STANDARD;
    }

    /** The options. */
    public DicomReadOptions options() {
        return options;
    }

    /**
     * Reads a file. Bulk data stays in the file and is read when asked for.
     *
     * @throws DicomParseException when the content is not acceptable DICOM
     * @throws IOException         when the file cannot be read
     */
    public DicomFile read(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new FileSystemException(file.toString(), null, "is a directory, not a DICOM file");
        }
        try (ByteInput in = ByteInput.open(file)) {
            return new Parser(in, options).readFile();
        } catch (StackOverflowError e) {
            throw new DicomParseException("nesting too deep for the thread's stack; lower maxSequenceDepth", file, -1,
                    null);
        }
    }

    /**
     * Reads a Part 10 file (or, when allowed, a bare dataset) from memory.
     *
     * @throws DicomParseException when the content is not acceptable DICOM
     */
    public DicomFile read(byte[] data) {
        try {
            return new Parser(ByteInput.of(data, null, false), options).readFile();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen: no I/O on arrays
        }
    }

    /**
     * Reads a Part 10 stream entirely (bounded by {@link DicomReadOptions#maxInflatedLength()}) and parses it.
     *
     * @throws IOException when the stream fails
     */
    public DicomFile read(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = in.read(buf)) >= 0) {
            out.write(buf, 0, n);
            if (out.size() > options.maxInflatedLength()) {
                throw new DicomParseException("stream longer than " + options.maxInflatedLength() + " bytes", null,
                        out.size(), null);
            }
        }
        return read(out.toByteArray());
    }

    /**
     * Reads a bare dataset (no preamble, no file meta) encoded in a known transfer syntax, as carried by DIMSE.
     *
     * @throws DicomParseException when the content is not acceptable DICOM
     */
    public DicomObject readDataset(byte[] data, TransferSyntax transferSyntax) {
        try {
            return new Parser(ByteInput.of(data, null, false), options).readDataset(transferSyntax);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
