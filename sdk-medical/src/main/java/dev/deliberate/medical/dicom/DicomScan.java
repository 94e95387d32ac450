package dev.deliberate.medical.dicom;

import dev.deliberate.core.DeliberateException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads the header (everything before the pixel data) of every file under a folder and counts files, studies, series
 * and unreadable files: what {@code deliberate dicom scan} prints, and a quick inventory of an archive's folder.
 *
 * <pre>{@code
 * DicomScan.Summary s = new DicomScan(DicomReadOptions.defaults(), 4).run(Path.of("/data/incoming"));
 * System.out.println(s.files() + " files, " + s.studies() + " studies, " + s.errors() + " unreadable");
 * }</pre>
 *
 * <p>The reader threads share the walk: a thread lists a folder, hands its subfolders and batches of its files to
 * the pool and reads what it takes, so reading starts with the first folder rather than after the whole tree is
 * listed. Regular files and symbolic links to regular files are read; links to folders are not followed (so a link
 * cycle cannot make the walk endless). A folder that cannot be listed and a file that cannot be read are counted as
 * errors and reported in {@link Summary#failures()}; the scan goes on. Pixel data is never read, whatever the options
 * say. Instances are immutable and thread-safe; each {@link #run} uses its own threads, gone when it returns.
 */
public final class DicomScan {
    /** The most reader threads a scan may use. */
    public static final int MAX_THREADS = 256;
    /** Files handed to a thread at a time: enough to keep the hand-over cheap, few enough to share a folder out. */
    private static final int BATCH = 16;

    private final DicomReader reader;
    private final int threads;

    /**
     * A scan with these read options (pixel data is never read) and reader threads.
     *
     * @param threads 1 to {@link #MAX_THREADS}
     * @throws IllegalArgumentException when {@code threads} is out of range
     */
    public DicomScan(DicomReadOptions options, int threads) {
        Objects.requireNonNull(options, "options");
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("threads must be between 1 and " + MAX_THREADS + ", got " + threads);
        }
        this.reader = new DicomReader(options.withStopBeforePixels(true));
        this.threads = threads;
    }

    /** One reader thread per available processor (at most {@link #MAX_THREADS}). */
    public static int defaultThreads() {
        return Math.min(MAX_THREADS, Runtime.getRuntime().availableProcessors());
    }

    /** A scan with {@link DicomReadOptions#defaults()} and {@link #defaultThreads()} reader threads. */
    public static DicomScan withDefaults() {
        return new DicomScan(DicomReadOptions.defaults(), defaultThreads());
    }

    /** The reader threads. */
    public int threads() {
        return threads;
    }

    /** What each readable file's header is handed to; called from the reader threads, so it must be thread-safe. */
    @FunctionalInterface
    public interface HeaderVisitor {
        /** One file's header: its file meta and dataset, up to the pixel data. */
        void visit(Path file, DicomFile header);
    }

    /** One file (or folder) that could not be read, and why. */
    public record Failure(Path path, String reason) {
        /** @throws NullPointerException when an argument is null */
        public Failure {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * What a scan found.
     *
     * @param files    regular files seen, readable or not
     * @param studies  distinct Study Instance UIDs among the readable files
     * @param series   distinct Series Instance UIDs among the readable files
     * @param elapsed  wall time of the scan
     * @param failures the files that could not be read as DICOM and the folders that could not be listed, sorted by
     *                 path; each reason names its path
     */
    public record Summary(long files, int studies, int series, Duration elapsed, List<Failure> failures) {
        /** @throws IllegalArgumentException when a count is negative */
        public Summary {
            Objects.requireNonNull(elapsed, "elapsed");
            failures = List.copyOf(failures);
            if (files < 0 || studies < 0 || series < 0) {
                throw new IllegalArgumentException("negative count: " + files + " files, " + studies + " studies, "
                        + series + " series");
            }
        }

        /** How many files and folders could not be read: {@code failures().size()}. */
        public long errors() {
            return failures.size();
        }
    }

    /**
     * Scans the folder and everything below it.
     *
     * @throws NoSuchFileException   when {@code dir} does not exist
     * @throws NotDirectoryException when {@code dir} is not a folder
     * @throws InterruptedException  when the calling thread is interrupted (the readers are stopped)
     */
    public Summary run(Path dir) throws IOException, InterruptedException {
        return run(dir, (file, header) -> { });
    }

    /**
     * Scans the folder and hands every readable header to {@code visitor}, from the reader threads.
     *
     * @throws NoSuchFileException   when {@code dir} does not exist
     * @throws NotDirectoryException when {@code dir} is not a folder
     * @throws InterruptedException  when the calling thread is interrupted (the readers are stopped)
     * @throws RuntimeException      the first exception the visitor threw (the scan stops taking new work)
     */
    public Summary run(Path dir, HeaderVisitor visitor) throws IOException, InterruptedException {
        Objects.requireNonNull(visitor, "visitor");
        BasicFileAttributes root = Files.readAttributes(dir, BasicFileAttributes.class); // NoSuchFileException
        if (!root.isDirectory()) {
            throw new NotDirectoryException(dir.toString());
        }
        long start = System.nanoTime();
        Walk walk = new Walk(visitor);
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            walk.submit(pool, () -> walk.folder(pool, dir));
            walk.done.await();
        } finally {
            pool.shutdownNow();
        }
        Throwable bug = walk.unexpected.get();
        if (bug instanceof RuntimeException r) {
            throw r;
        }
        if (bug instanceof Error e) {
            throw e;
        }
        List<Failure> failures = new ArrayList<>(walk.failures);
        failures.sort(Comparator.comparing(Failure::path));
        return new Summary(walk.files.get(), walk.studies.size(), walk.series.size(),
                Duration.ofNanos(System.nanoTime() - start), failures);
    }

    /** The state of one run: what was found, and the count of tasks not yet finished. */
    private final class Walk {
        final HeaderVisitor visitor;
        final Set<String> studies = ConcurrentHashMap.newKeySet();
        final Set<String> series = ConcurrentHashMap.newKeySet();
        final List<Failure> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        final AtomicLong files = new AtomicLong();
        final AtomicInteger pending = new AtomicInteger();
        final CountDownLatch done = new CountDownLatch(1);
        final AtomicReference<Throwable> unexpected = new AtomicReference<>();

        Walk(HeaderVisitor visitor) {
            this.visitor = visitor;
        }

        /** Runs a task in the pool; the last task to finish opens {@link #done}. */
        void submit(ForkJoinPool pool, Runnable task) {
            pending.incrementAndGet();
            pool.execute(() -> {
                try {
                    if (unexpected.get() == null) {
                        task.run();
                    }
                } catch (RuntimeException | Error e) {
                    unexpected.compareAndSet(null, e);
                } finally {
                    if (pending.decrementAndGet() == 0) {
                        done.countDown();
                    }
                }
            });
        }

        /** Lists a folder: its subfolders and batches of its files become tasks. */
        void folder(ForkJoinPool pool, Path dir) {
            List<Path> batch = new ArrayList<>(BATCH);
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path p : entries) {
                    BasicFileAttributes a;
                    try {
                        a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    } catch (NoSuchFileException gone) {
                        continue; // deleted since it was listed: not part of the tree any more
                    }
                    if (a.isDirectory()) {
                        submit(pool, () -> folder(pool, p));
                    } else if (a.isRegularFile() || (a.isSymbolicLink() && Files.isRegularFile(p))) {
                        batch.add(p);
                        if (batch.size() == BATCH) {
                            List<Path> full = batch;
                            submit(pool, () -> read(full));
                            batch = new ArrayList<>(BATCH);
                        }
                    }
                }
            } catch (IOException | java.nio.file.DirectoryIteratorException e) {
                IOException io = e instanceof IOException x ? x : ((java.nio.file.DirectoryIteratorException) e)
                        .getCause();
                failures.add(new Failure(dir, describe(dir, io)));
            }
            read(batch); // the rest, in this thread: it has just touched these entries
        }

        void read(List<Path> batch) {
            for (Path f : batch) {
                files.incrementAndGet();
                DicomFile header;
                try {
                    header = reader.read(f);
                } catch (IOException e) {
                    failures.add(new Failure(f, describe(f, e)));
                    continue;
                } catch (DeliberateException e) { // DicomParseException names the file itself
                    failures.add(new Failure(f, e.getMessage()));
                    continue;
                }
                DicomObject ds = header.dataset();
                ds.getString(Tags.StudyInstanceUID).ifPresent(studies::add);
                ds.getString(Tags.SeriesInstanceUID).ifPresent(series::add);
                visitor.visit(f, header);
            }
        }
    }

    /** An I/O error as one line that names the path once. */
    private static String describe(Path path, IOException e) {
        if (e instanceof FileSystemException f) {
            String why = f.getReason() != null ? f.getReason()
                    : f instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : f instanceof NoSuchFileException ? "no such file or directory" : "cannot be read";
            return (f.getFile() != null ? f.getFile() : path.toString()) + ": " + why;
        }
        return path + ": " + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
    }
}
