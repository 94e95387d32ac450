package dev.deliberate.robotics.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A child process (a node script, or any command) whose stdout lines are collected. Stopped by its own PID on close.
 * Shared by the robotics ITs, the CLI's {@code RobotServeIT} and the round-trip benchmark (through the test-jar).
 */
public final class ChildProcess implements AutoCloseable {

    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private final String name;

    private ChildProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        this.reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                        lines.notifyAll();
                    }
                }
            } catch (IOException e) {
                // process ended
            }
            synchronized (lines) {
                lines.notifyAll();
            }
        }, "node-stdout-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code node script args...} in {@code dir}; stderr goes to this JVM's stderr. */
    public static ChildProcess start(Path dir, String script, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("node", script));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        return new ChildProcess(script, p);
    }

    /** Starts {@code command} in {@code dir}, its stderr merged into the collected stdout lines. */
    public static ChildProcess command(Path dir, List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        return new ChildProcess(Path.of(command.get(0)).getFileName().toString(), p);
    }

    /** The process, e.g. to signal it. */
    public Process process() {
        return process;
    }

    /** Waits for a line starting with {@code prefix}; returns it. */
    public Optional<String> awaitLine(String prefix, Duration timeout) throws InterruptedException {
        return awaitLine(l -> l.startsWith(prefix), timeout);
    }

    /** Waits for a line that {@code matches}; returns it. */
    public Optional<String> awaitLine(java.util.function.Predicate<String> matches, Duration timeout)
            throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            int seen = 0;
            while (true) {
                for (int i = seen; i < lines.size(); i++) {
                    if (matches.test(lines.get(i))) {
                        return Optional.of(lines.get(i));
                    }
                }
                seen = lines.size();
                long left = end - System.nanoTime();
                if (left <= 0 || (!process.isAlive() && !reader.isAlive())) {
                    return Optional.empty();
                }
                TimeUnit.NANOSECONDS.timedWait(lines, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
            }
        }
    }

    /** Waits for the process to end; returns its exit code. */
    public int await(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " did not end within " + timeout + "; output: " + lines);
        }
        reader.join(5000);
        return process.exitValue();
    }

    /** Every stdout line so far. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** Lines starting with {@code prefix}, without it. */
    public List<String> linesStartingWith(String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length())).toList();
    }

    /** Whether the process still runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy(); // SIGTERM to this PID only
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
        reader.join(5000);
    }
}
