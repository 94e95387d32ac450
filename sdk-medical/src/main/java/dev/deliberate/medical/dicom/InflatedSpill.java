package dev.deliberate.medical.dicom;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A temporary file holding an inflated (deflate transfer syntax) dataset too large to keep in memory. {@link BulkData}
 * values read from it hold this object; when the last of them becomes unreachable a {@link Cleaner} deletes the file
 * ({@link #release()} deletes it at once when nothing refers to it; {@code deleteOnExit} is the last resort).
 */
final class InflatedSpill {
    private static final Cleaner CLEANER = Cleaner.create();

    private final Path file;
    private final Cleaner.Cleanable cleanable;

    private InflatedSpill(Path file) {
        this.file = file;
        this.cleanable = CLEANER.register(this, new Delete(file));
    }

    /** A new empty temporary file. */
    static InflatedSpill create() throws IOException {
        Path f = Files.createTempFile("deliberate-inflated-", ".dcmraw");
        f.toFile().deleteOnExit();
        return new InflatedSpill(f);
    }

    Path file() {
        return file;
    }

    /** Deletes the file now (when no value refers to it). */
    void release() {
        cleanable.clean();
    }

    private record Delete(Path file) implements Runnable {
        @Override
        public void run() {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e); // the Cleaner ignores it; deleteOnExit still applies
            }
        }
    }
}
