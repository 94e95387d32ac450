package dev.deliberate.core.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * Writes files so that readers only ever see the old file or the complete new one: the content goes to a hidden
 * temporary file beside the target, which is then moved over it. A failure leaves the target untouched and no
 * temporary file behind. Missing parent folders are created; a target that is a directory is refused before anything
 * is written; errors name the target, never the temporary file.
 *
 * <p>Unlike {@link Files#createTempFile}, the temporary file is created with the process's default permissions (the
 * umask applies), and when the target already exists its POSIX permissions are kept: a DICOM file or model written
 * for a PACS or a shared folder stays readable by the users who could read it before.
 */
public final class AtomicFiles {

    private static final SecureRandom RANDOM = new SecureRandom();

    private AtomicFiles() {}

    /** Produces a file's content on a channel positioned at 0. */
    @FunctionalInterface
    public interface ChannelWriter<T> {
        /**
         * Writes the content.
         *
         * @return a value handed back to the caller of {@link AtomicFiles#writeChannel(Path, ChannelWriter)}
         */
        T write(FileChannel channel) throws IOException;
    }

    /** Produces a file's content on a buffered stream. */
    @FunctionalInterface
    public interface StreamWriter {
        /** Writes the content. The stream is flushed and closed by the caller. */
        void write(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code target} atomically through a file channel.
     *
     * @return what {@code writer} returned
     * @throws IOException when writing or moving fails; {@code target} is then unchanged
     */
    public static <T> T writeChannel(Path target, ChannelWriter<T> writer) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        if (dir == null || absolute.getFileName() == null) {
            throw new FileSystemException(target.toString(), null, "cannot write a file there (no parent folder)");
        }
        if (Files.isDirectory(absolute)) {
            throw new FileSystemException(target.toString(), null, "is a directory (give a file name)");
        }
        Path tmp;
        try {
            Files.createDirectories(dir);
            tmp = createTemporary(dir, absolute.getFileName().toString());
        } catch (FileSystemException e) {
            // name the file the caller asked for, never the hidden temporary one
            throw new FileSystemException(target.toString(), null, "cannot be written: " + reason(e));
        }
        boolean moved = false;
        try {
            T result;
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                result = writer.write(ch);
                ch.force(false);
            }
            keepPermissions(absolute, tmp);
            try {
                Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
            return result;
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** Writes {@code target} atomically through a buffered output stream. */
    public static void write(Path target, StreamWriter writer) throws IOException {
        writeChannel(target, ch -> {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 64 * 1024);
            writer.write(out);
            out.flush(); // the channel is closed by writeChannel
            return null;
        });
    }

    /** Writes {@code bytes} to {@code target} atomically. */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    private static String reason(FileSystemException e) {
        if (e.getReason() != null && !e.getReason().isBlank()) {
            return e.getReason();
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "the folder does not exist";
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException || e instanceof java.nio.file.NotDirectoryException) {
            return "a file stands where a folder is needed (" + e.getFile() + ")";
        }
        return e.getClass().getSimpleName();
    }

    private static Path createTemporary(Path dir, String name) throws IOException {
        for (int attempt = 0; ; attempt++) {
            byte[] suffix = new byte[6];
            RANDOM.nextBytes(suffix);
            Path tmp = dir.resolve("." + name + "." + HexFormat.of().formatHex(suffix) + ".tmp");
            try {
                // CREATE_NEW with default attributes: permissions follow the umask, as for any new file
                Files.newByteChannel(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return tmp;
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 10) {
                    throw e;
                }
            }
        }
    }

    private static void keepPermissions(Path target, Path tmp) {
        PosixFileAttributeView from = Files.getFileAttributeView(target, PosixFileAttributeView.class);
        PosixFileAttributeView to = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
        if (from == null || to == null || !Files.exists(target)) {
            return;
        }
        try {
            Set<PosixFilePermission> permissions = from.readAttributes().permissions();
            to.setPermissions(permissions);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // the new file keeps the default permissions; not a reason to fail the write
        }
    }
}
