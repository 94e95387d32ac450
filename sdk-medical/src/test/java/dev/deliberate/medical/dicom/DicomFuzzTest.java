package dev.deliberate.medical.dicom;

import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Combinators;

/**
 * Mutated and random input never escapes as anything but a {@link DicomParseException} (or a successful read):
 * no other exception, no OutOfMemoryError, no StackOverflowError. Seeds are fixed by jqwik's configuration.
 */
class DicomFuzzTest {
    private static final byte[] SEED = DicomWriter.standard().toBytes(Synthetic.file(Synthetic.ct(9, 4),
            TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN));
    private static final byte[] SEED_UNDEFINED = new DicomWriter(DicomWriteOptions.defaults()
            .withUndefinedLengthSequences(true).withTransferSyntax(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN))
            .toBytes(Synthetic.file(Synthetic.ct(9, 4), TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN));
    private static final DicomReader LENIENT = new DicomReader(DicomReadOptions.defaults()
            .withAllowMissingFileMeta(true).withMaxElementLength(1 << 20));
    private static final DicomReader TRUNCATING = new DicomReader(DicomReadOptions.defaults()
            .withAllowTruncated(true).withAllowMissingFileMeta(true));

    private static void readBothWays(byte[] data) {
        for (DicomReader r : new DicomReader[] {DicomReader.standard(), LENIENT, TRUNCATING}) {
            try {
                DicomFile f = r.read(data);
                DicomJson.toJson(f.dataset()); // values must also be safe to render
                f.dataset().toString();
            } catch (DicomParseException | DicomValueException expected) {
                // typed failure is fine
            }
        }
    }

    @Property(tries = 400, seed = "20251128")
    void mutatedFilesFailTypedOrParse(@ForAll("mutations") byte[] data) {
        readBothWays(data);
    }

    @Property(tries = 150, seed = "20251130")
    void mutatedFilesOnDiskFailTypedOrParse(@ForAll("mutations") byte[] data) throws Exception {
        // the file path reads through a small window and keeps bulk data lazy: a different code path than arrays
        java.nio.file.Path f = java.nio.file.Files.createTempFile("fuzz", ".dcm");
        try {
            java.nio.file.Files.write(f, data);
            for (DicomReader r : new DicomReader[] {DicomReader.standard(), TRUNCATING,
                new DicomReader(DicomReadOptions.defaults().withBulkDataThreshold(0))}) {
                try {
                    DicomFile file = r.read(f);
                    file.dataset().toString();
                    for (DicomElement e : file.dataset()) {
                        if (e.bulkData().isPresent()) {
                            e.bulkData().get().read();
                        }
                    }
                } catch (DicomParseException | DicomValueException expected) {
                    // typed failure is fine
                }
            }
        } finally {
            java.nio.file.Files.deleteIfExists(f);
        }
    }

    @Property(tries = 300, seed = "20251129")
    void randomBytesFailTypedOrParse(@ForAll("randomBytes") byte[] data) {
        readBothWays(data);
    }

    @Provide
    Arbitrary<byte[]> randomBytes() {
        Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(600);
        return Combinators.combine(raw, Arbitraries.of(true, false)).as((b, prefix) -> {
            if (!prefix || b.length < 132) {
                return b;
            }
            b[128] = 'D';
            b[129] = 'I';
            b[130] = 'C';
            b[131] = 'M';
            return b;
        });
    }

    @Provide
    Arbitrary<byte[]> mutations() {
        return Combinators.combine(Arbitraries.longs(), Arbitraries.integers().between(1, 12),
                Arbitraries.of(true, false)).as((seed, count, undefined) -> {
                    byte[] base = (undefined ? SEED_UNDEFINED : SEED).clone();
                    Random rnd = new Random(seed);
                    byte[] b = base;
                    for (int i = 0; i < count; i++) {
                        int kind = rnd.nextInt(4);
                        int pos = 132 + rnd.nextInt(b.length - 132);
                        switch (kind) {
                            case 0 -> b[pos] = (byte) rnd.nextInt(256);
                            case 1 -> { // a length field set to a large or undefined value
                                int v = rnd.nextBoolean() ? -1 : rnd.nextInt();
                                for (int k = 0; k < 4 && pos + k < b.length; k++) {
                                    b[pos + k] = (byte) (v >>> (8 * k));
                                }
                            }
                            case 2 -> b = java.util.Arrays.copyOf(b, pos); // truncate
                            default -> { // duplicate a slice (nesting, repeated items)
                                int len = Math.min(b.length - pos, 1 + rnd.nextInt(64));
                                byte[] n = new byte[b.length + len];
                                System.arraycopy(b, 0, n, 0, pos + len);
                                System.arraycopy(b, pos, n, pos + len, b.length - pos);
                                b = n;
                            }
                        }
                        if (b.length <= 132) {
                            break;
                        }
                    }
                    return b;
                });
    }
}
