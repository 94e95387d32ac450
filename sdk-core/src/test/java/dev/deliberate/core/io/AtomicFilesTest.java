package dev.deliberate.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    @Test
    void newFileGetsDefaultPermissionsNotOwnerOnly() throws IOException {
        Path plain = Files.writeString(dir.resolve("plain.txt"), "x"); // what any new file of this process gets
        Path target = dir.resolve("out.bin");
        AtomicFiles.write(target, "hello".getBytes(StandardCharsets.UTF_8));
        assertEquals("hello", Files.readString(target));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(target));
    }

    @Test
    void replacingAFileKeepsItsPermissions() throws IOException {
        Path target = Files.writeString(dir.resolve("report.dcm"), "old");
        Set<PosixFilePermission> shared = PosixFilePermissions.fromString("rw-rw-r--");
        Files.setPosixFilePermissions(target, shared);
        AtomicFiles.write(target, out -> out.write(new byte[] {1, 2, 3}));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(target));
        assertEquals(shared, Files.getPosixFilePermissions(target));
    }

    @Test
    void failedWriteLeavesTargetUntouchedAndNoTemporaryFile() throws IOException {
        Path target = Files.writeString(dir.resolve("keep.txt"), "precious");
        IOException boom = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write("partial".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk on fire");
        }));
        assertEquals("disk on fire", boom.getMessage());
        assertEquals("precious", Files.readString(target));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "only the target remains");
        }
    }

    @Test
    void channelWriterResultIsReturned() throws IOException {
        Path target = dir.resolve("c.bin");
        long written = AtomicFiles.writeChannel(target, ch -> (long) ch.write(java.nio.ByteBuffer.wrap(new byte[7])));
        assertEquals(7L, written);
        assertTrue(Files.size(target) == 7);
    }

    @Test
    void directoryTargetIsRefusedNamingItAndNothingIsLeftBehind() throws IOException {
        Path target = dir.resolve("out");
        Files.createDirectory(target);
        java.nio.file.FileSystemException e = assertThrows(java.nio.file.FileSystemException.class,
                () -> AtomicFiles.write(target, new byte[] {1}));
        assertEquals(target.toString(), e.getFile());
        assertEquals("is a directory (give a file name)", e.getReason());
        try (var s = Files.list(dir)) {
            assertEquals(List.of(target), s.toList(), "no temporary file left");
        }
    }

    @Test
    void missingParentFoldersAreCreated() throws IOException {
        Path target = dir.resolve("a/b/report.dcm");
        AtomicFiles.write(target, new byte[] {7});
        assertArrayEquals(new byte[] {7}, Files.readAllBytes(target));
    }

    @Test
    void aFileWhereTheFolderMustBeIsReportedForTheTargetNotTheTemporaryFile() throws IOException {
        Path blocker = dir.resolve("blocker");
        Files.write(blocker, new byte[0]);
        Path blocked = blocker.resolve("x.png");
        java.nio.file.FileSystemException e = assertThrows(java.nio.file.FileSystemException.class,
                () -> AtomicFiles.write(blocked, new byte[] {1}));
        assertEquals(blocked.toString(), e.getFile());
        assertTrue(e.getReason().startsWith("cannot be written: "), e.getReason());
        assertFalse(e.getMessage().contains(".tmp"), e.getMessage());
    }
}
