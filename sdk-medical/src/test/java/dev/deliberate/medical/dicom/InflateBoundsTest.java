package dev.deliberate.medical.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9 section 2: a deflated dataset is inflated by streaming against the bound. A small file that inflates to
 * 256 MiB is read by a JVM with a 64 MiB heap (the old reader held the whole inflated dataset, twice,
 * and died with OutOfMemoryError); one over the bound is rejected during the counting pass, having held nothing.
 */
class InflateBoundsTest {
    static final long BIG = 256L << 20;

    @TempDir
    Path tmp;

    /** Part 10, deflated explicit VR LE, whose dataset is two UIDs and an OB (0009,1010)-free Pixel Data of n zeros. */
    static Path bomb(Path file, long n) throws Exception {
        try (OutputStream f = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            Bytes meta = Bytes.part10(TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN.uid());
            f.write(meta.bytes());
            Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
            try (DeflaterOutputStream z = new DeflaterOutputStream(f, d, 1 << 16)) {
                Bytes head = new Bytes();
                head.explicit(Tags.SOPClassUID, "UI", "1.2.840.10008.5.1.4.1.1.7\0");
                head.explicit(Tags.SOPInstanceUID, "UI", "1.2.3.4\0");
                head.tag(Tags.PixelData).ascii("OB").u16(0).u32(n);
                z.write(head.bytes());
                byte[] zeros = new byte[1 << 20];
                for (long left = n; left > 0; left -= zeros.length) {
                    z.write(zeros, 0, (int) Math.min(zeros.length, left));
                }
            } finally {
                d.end();
            }
        }
        return file;
    }

    static String[] probe(Path file, long max) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx64m", "-XX:+ExitOnOutOfMemoryError", "-cp",
                System.getProperty("java.class.path"), InflateProbe.class.getName(), file.toString(),
                Long.toString(max)));
        Path out = Files.createTempFile("probe", ".out");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "probe timed out");
            return new String[] {Integer.toString(p.exitValue()), Files.readString(out, StandardCharsets.UTF_8)};
        } finally {
            Files.deleteIfExists(out);
        }
    }

    @Test
    void aSmallFileThatInflatesTo256MbIsReadWithA64MbHeapAndOneOverTheBoundIsRejected() throws Exception {
        Path f = bomb(tmp.resolve("bomb.dcm"), BIG);
        assertTrue(Files.size(f) < 1 << 20, "a deflate bomb: " + Files.size(f) + " bytes");
        long t0 = System.nanoTime();
        String[] r = probe(f, 1L << 30);
        double read = (System.nanoTime() - t0) / 1e9;
        assertEquals("0", r[0], r[1]);
        assertEquals("OK 3 " + BIG + " false " + BIG, r[1].strip(), "bulk stays on disk and reads back");
        t0 = System.nanoTime();
        String[] rejected = probe(f, 100L << 20);
        double reject = (System.nanoTime() - t0) / 1e9;
        assertEquals("2", rejected[0], rejected[1]);
        assertTrue(rejected[1].contains("inflates to more than 104857600 bytes"), rejected[1]);
        System.out.printf("inflate bounds: 256 MiB read with -Xmx64m in %.2f s; over the bound rejected in %.2f s%n",
                read, reject);
        try (var s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith("deliberate-inflated-")
                    && isOurs(p)), "the inflated copies are deleted");
        }
    }

    private static boolean isOurs(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis() > System.currentTimeMillis() - 120_000;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void aDeflatedFileBelowTheSpillSizeIsReadInMemoryAndTheSameAsBefore() throws Exception {
        Path f = bomb(tmp.resolve("small.dcm"), 1 << 20);
        DicomFile d = DicomReader.standard().read(f);
        BulkData px = d.dataset().get(Tags.PixelData).orElseThrow().bulkData().orElseThrow();
        assertEquals(1 << 20, px.length());
        assertTrue(px.inMemory());
    }
}
