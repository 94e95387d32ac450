package dev.deliberate.medical.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DicomScanTest {

    @TempDir
    Path tmp;

    /** 30 images in nested folders (5 studies, 11 series), plus what is not DICOM or not a file. */
    private void tree() throws IOException, InterruptedException {
        for (int i = 0; i < 30; i++) {
            Path dir = Files.createDirectories(tmp.resolve("s" + (i % 3)).resolve("deeper".repeat(i % 2)));
            DicomWriter.standard().write(Synthetic.ct(i, 4), dir.resolve("img" + i + ".dcm"));
        }
        Files.writeString(tmp.resolve("notes.txt"), "not dicom");
        Files.write(tmp.resolve("s1/empty.dcm"), new byte[0]);
        byte[] whole = Files.readAllBytes(tmp.resolve("s0/img0.dcm"));
        Files.write(tmp.resolve("s2/cut.dcm"), java.util.Arrays.copyOf(whole, 200)); // inside the file meta
        Files.createSymbolicLink(tmp.resolve("link.dcm"), tmp.resolve("s0/img0.dcm")); // read: a link to a file
        Files.createSymbolicLink(tmp.resolve("loop"), tmp); // not followed: a link to a folder
        // a named pipe: opening it would block until a writer comes; it is not a regular file, so it is skipped
        Process mkfifo = new ProcessBuilder("mkfifo", tmp.resolve("pipe").toString()).start();
        assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo");
    }

    @Test
    void countsFilesStudiesSeriesAndErrorsWithAnyNumberOfThreads() throws Exception {
        tree();
        for (int threads : new int[] {1, 2, 7}) {
            DicomScan.Summary s = new DicomScan(DicomReadOptions.defaults(), threads).run(tmp);
            assertEquals(34, s.files(), "30 images, their link, notes, empty, cut");
            assertEquals(5, s.studies());
            assertEquals(11, s.series());
            assertEquals(3, s.errors());
            List<Path> failed = s.failures().stream().map(DicomScan.Failure::path).toList();
            assertEquals(List.of(tmp.resolve("notes.txt"), tmp.resolve("s1/empty.dcm"), tmp.resolve("s2/cut.dcm")),
                    failed.stream().sorted().toList());
            assertEquals(failed.stream().sorted().toList(), failed, "sorted by path");
            for (DicomScan.Failure f : s.failures()) {
                assertTrue(f.reason().startsWith(f.path().toString()), f.reason());
            }
        }
    }

    @Test
    void lenientOptionsReadBareAndTruncatedFiles() throws Exception {
        tree();
        DicomReadOptions lenient = DicomReadOptions.defaults().withAllowMissingFileMeta(true).withAllowTruncated(true);
        DicomScan.Summary s = new DicomScan(lenient, 2).run(tmp);
        assertTrue(s.errors() < 3, "lenient reads more: " + s.failures());
    }

    @Test
    void visitorSeesEveryReadableFileOnceWithoutPixelData() throws Exception {
        tree();
        Map<Path, DicomFile> seen = new ConcurrentHashMap<>();
        Set<Path> twice = ConcurrentHashMap.newKeySet();
        new DicomScan(DicomReadOptions.defaults(), 3).run(tmp, (file, header) -> {
            if (seen.put(file, header) != null) {
                twice.add(file);
            }
        });
        assertEquals(Set.of(), twice);
        assertEquals(31, seen.size());
        for (DicomFile f : seen.values()) {
            assertTrue(f.dataset().get(Tags.PixelData).isEmpty(), "pixel data is never read");
            assertTrue(f.dataset().getString(Tags.SOPInstanceUID).isPresent());
        }
    }

    @Test
    void visitorFailureEndsTheScanWithThatException() throws Exception {
        tree();
        IllegalStateException boom = new IllegalStateException("visitor failed");
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> new DicomScan(DicomReadOptions.defaults(), 2).run(tmp, (file, header) -> {
                    throw boom;
                }));
        assertSame(boom, thrown);
    }

    @Test
    void missingFolderFileInsteadOfFolderAndBadThreadCountsAreTypedErrors() throws Exception {
        DicomScan scan = DicomScan.withDefaults();
        assertThrows(NoSuchFileException.class, () -> scan.run(tmp.resolve("nope")));
        Path file = Files.writeString(tmp.resolve("a.txt"), "x");
        assertThrows(NotDirectoryException.class, () -> scan.run(file));
        assertThrows(IllegalArgumentException.class, () -> new DicomScan(DicomReadOptions.defaults(), 0));
        assertThrows(IllegalArgumentException.class,
                () -> new DicomScan(DicomReadOptions.defaults(), DicomScan.MAX_THREADS + 1));
        assertEquals(0, scan.run(Files.createDirectories(tmp.resolve("empty"))).files());
    }
}
