package dev.deliberate.medical.dicom;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutates real files of every encoding in the pydicom corpus (fixed seed) and reads them from memory and from disk:
 * each read ends in a result or a typed exception; nothing hangs (a generous overall guard catches hangs, it is not
 * a speed check), runs out of memory or overflows the stack.
 */
class CorpusFuzzIT {
    private static final List<String> FILES = List.of("CT_small.dcm", "MR_small_implicit.dcm", "MR_small_bigendian.dcm",
            "image_dfl.dcm", "JPEG2000.dcm", "test-SR.dcm", "rtplan.dcm", "UN_sequence.dcm", "nested_priv_SQ.dcm",
            "SC_rgb_rle_2frame.dcm", "waveform_ecg.dcm", "dicomdirtests/DICOMDIR", "reportsi.dcm");

    @TempDir
    Path tmp;

    @Test
    void mutatedCorpusFilesFailTypedOrParse() {
        Peers.requirePydicomFiles();
        DicomReader[] readers = {DicomReader.standard(),
            new DicomReader(DicomReadOptions.defaults().withAllowTruncated(true).withAllowMissingFileMeta(true)),
            new DicomReader(DicomReadOptions.defaults().withStopBeforePixels(true).withBulkDataThreshold(16))};
        int[] outcomes = new int[2];
        assertTimeoutPreemptively(Duration.ofMinutes(3), () -> {
            Random rnd = new Random(20251128L);
            for (String name : FILES) {
                byte[] original = Files.readAllBytes(Peers.TEST_FILES.resolve(name));
                for (int round = 0; round < 60; round++) {
                    byte[] b = mutate(original, rnd);
                    Path f = tmp.resolve("m.dcm");
                    Files.write(f, b);
                    for (DicomReader r : readers) {
                        for (int mode = 0; mode < 2; mode++) {
                            try {
                                DicomFile df = mode == 0 ? r.read(b) : r.read(f);
                                DicomJson.toJson(df.dataset(), DicomJsonOptions.withBulkDataUri(64, (e, p) -> p));
                                outcomes[0]++;
                            } catch (DicomParseException | DicomValueException e) {
                                outcomes[1]++;
                            }
                        }
                    }
                }
            }
        });
        assertTrue(outcomes[0] > 0 && outcomes[1] > 0, "both outcomes seen: " + Arrays.toString(outcomes));
    }

    private static byte[] mutate(byte[] original, Random rnd) {
        byte[] b = original.clone();
        int n = 1 + rnd.nextInt(8);
        for (int i = 0; i < n && b.length > 140; i++) {
            int pos = 128 + rnd.nextInt(b.length - 128);
            switch (rnd.nextInt(4)) {
                case 0 -> b[pos] = (byte) rnd.nextInt(256);
                case 1 -> {
                    int v = rnd.nextBoolean() ? -1 : rnd.nextInt();
                    for (int k = 0; k < 4 && pos + k < b.length; k++) {
                        b[pos + k] = (byte) (v >>> (8 * k));
                    }
                }
                case 2 -> b = Arrays.copyOf(b, pos);
                default -> {
                    int len = Math.min(b.length - pos, 1 + rnd.nextInt(256));
                    byte[] c = new byte[b.length + len];
                    System.arraycopy(b, 0, c, 0, pos + len);
                    System.arraycopy(b, pos, c, pos + len, b.length - pos);
                    b = c;
                }
            }
        }
        return b;
    }
}
