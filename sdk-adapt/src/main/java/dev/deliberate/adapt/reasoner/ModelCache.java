package dev.deliberate.adapt.reasoner;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A folder of made-once files (trained models), each named by a key that hashes everything it was made from.
 * Making is serialised across threads and processes by an exclusive lock on {@code KEY.lock}: the first caller makes
 * the file, the others wait and then find it. The file appears atomically (written under a temporary name in the
 * same folder, then moved), so a reader never sees half a model, and a maker killed mid-way leaves only a temporary
 * file that the next maker removes.
 */
final class ModelCache {

    /** Overrides the folder (a system property). */
    static final String PROPERTY = "deliberate.models.cache";
    /** Overrides the folder (an environment variable), when the property is not set. */
    static final String ENVIRONMENT = "DELIBERATE_MODELS_CACHE";
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._-]{1,120}");

    /** Makes the file at the given path; it may write there directly (the path is a private temporary name). */
    @FunctionalInterface
    interface Maker {
        void make(Path file) throws IOException;
    }

    private static final java.util.concurrent.ConcurrentMap<Path, Object> MONITORS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final Path dir;

    ModelCache(Path dir) {
        this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath();
    }

    /** {@code -Ddeliberate.models.cache}, else {@code $DELIBERATE_MODELS_CACHE}, else {@code ~/.cache/deliberate/models}. */
    static ModelCache defaultCache() {
        String p = System.getProperty(PROPERTY);
        if (p == null || p.isBlank()) {
            p = System.getenv(ENVIRONMENT);
        }
        if (p == null || p.isBlank()) {
            return new ModelCache(Path.of(System.getProperty("user.home"), ".cache", "deliberate", "models"));
        }
        return new ModelCache(Path.of(p));
    }

    Path dir() {
        return dir;
    }

    /**
     * The file for {@code key} ({@code key} is the file name), made by {@code maker} if it is not there yet.
     *
     * @throws IOException if making fails (nothing is left under the key then)
     */
    Path get(String key, Maker maker) throws IOException {
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("not a cache key: " + key);
        }
        Path file = dir.resolve(key);
        if (Files.isRegularFile(file)) {
            return file;
        }
        Files.createDirectories(dir);
        // a file lock keeps other processes out; threads of this JVM queue on a monitor (the JVM refuses a
        // second lock on the same file with OverlappingFileLockException)
        synchronized (MONITORS.computeIfAbsent(file, f -> new Object())) {
            return locked(key, file, maker);
        }
    }

    private Path locked(String key, Path file, Maker maker) throws IOException {
        try (FileChannel lockFile = FileChannel.open(dir.resolve(key + ".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
                FileLock lock = lockFile.lock()) {
            if (Files.isRegularFile(file)) {
                return file; // made by another process while this one waited
            }
            Path tmp = dir.resolve(key + ".part");
            Files.deleteIfExists(tmp); // left by a maker that was killed
            try {
                maker.make(tmp);
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return file;
        }
    }
}
