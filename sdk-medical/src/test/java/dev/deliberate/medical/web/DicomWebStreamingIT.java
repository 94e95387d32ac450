package dev.deliberate.medical.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.medical.dicom.BulkData;
import dev.deliberate.medical.dicom.DicomObject;
import dev.deliberate.medical.dicom.DicomWriter;
import dev.deliberate.medical.dicom.Tags;
import dev.deliberate.medical.dicom.VR;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A study whose instances are each larger than the client's whole heap goes out by STOW-RS and comes back by WADO-RS
 * intact: neither direction holds an instance in memory.
 */
class DicomWebStreamingIT {
    static final int INSTANCE_BYTES = 34 << 20; // more than the child's whole heap
    static final String HEAP = "-Xmx32m";

    @TempDir
    Path tmp;

    private static Path bigInstance(Path dir, String sop, long seed) throws IOException {
        Path raw = dir.resolve(sop + ".raw");
        Random random = new Random(seed);
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(raw)) {
            for (int i = 0; i < INSTANCE_BYTES / chunk.length; i++) {
                random.nextBytes(chunk);
                out.write(chunk);
            }
        }
        DicomObject ds = DicomObject.builder().setString(Tags.SOPClassUID, "1.2.840.10008.5.1.4.1.1.7")
                .setString(Tags.SOPInstanceUID, sop).setString(Tags.StudyInstanceUID, "1.2.3")
                .setString(Tags.SeriesInstanceUID, "1.2.3.4")
                .setBulkData(Tags.PixelData, VR.OB, BulkData.ofFile(raw, 0, INSTANCE_BYTES)).build();
        Path file = dir.resolve("in").resolve(sop + ".dcm");
        Files.createDirectories(file.getParent());
        DicomWriter.standard().write(ds, file);
        Files.delete(raw);
        return file;
    }

    private static byte[] sha256(Path f) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(f)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) >= 0) {
                md.update(buf, 0, n);
            }
        }
        return md.digest();
    }

    @Test
    void instancesLargerThanTheHeapStreamBothWays() throws Exception {
        List<Path> files = List.of(bigInstance(tmp, "1.2.3.4.5.1", 1), bigInstance(tmp, "1.2.3.4.5.2", 2));
        Path out = tmp.resolve("out");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), HEAP, "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), StreamingProbe.class.getName(), tmp.resolve("in").toString(),
                out.toString()).redirectErrorStream(true).start();
        String output;
        try (InputStream in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), output);
        long total = Files.size(files.get(0)) + Files.size(files.get(1));
        assertTrue(Files.size(files.get(0)) > 32L << 20, "each instance is larger than the heap");
        assertEquals("ok " + total + " 2", output.strip());
        for (Path f : files) {
            Path back = out.resolve(f.getFileName());
            assertEquals(Files.size(f), Files.size(back));
            assertArrayEquals(sha256(f), sha256(back), f.toString());
        }
    }
}
