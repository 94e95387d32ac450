package dev.deliberate.llama;

import de.kherud.llama.LlamaModel;
import de.kherud.llama.LogLevel;
import de.kherud.llama.args.LogFormat;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the binding's side effects contained.
 *
 * <ul>
 *   <li><b>Output.</b> The binding prints a line to {@code System.out} when it extracts its native library, and
 *       llama.cpp writes its log to the console. The first is captured while the class initialises; the console log
 *       is switched off per model ({@code --log-disable}) and llama.cpp's log callback is routed to SLF4J (logger
 *       {@code llama.cpp}). It must be set again after each load because llama.cpp's initialisation replaces it.</li>
 *   <li><b>Threads.</b> Each loaded model starts a native worker thread attached to the JVM as a non-daemon thread
 *       and never detached: after {@code close()} its Java peer stays "alive" and the JVM would wait for it forever
 *       when {@code main} returns. We record those threads when a model loads; once its model is closed they are
 *       orphans, and a daemon guard ends the JVM normally (running shutdown hooks, with exit status 0, or 1 when
 *       {@code main} died of an exception) as soon as {@code main} has returned and only orphans are left.</li>
 * </ul>
 */
final class NativeRuntime {

    private static final Logger NATIVE_LOG = LoggerFactory.getLogger("llama.cpp");
    private static final Logger LOG = LoggerFactory.getLogger(NativeRuntime.class);
    private static final Set<Thread> ORPHANS = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    private static final String NATIVE_FOLDER_PROPERTY = "de.kherud.llama.tmpdir";
    private static boolean initialised;
    private static Thread guard;
    private static volatile boolean mainFailed;

    private NativeRuntime() {}

    /** Loads the native library once, without letting the binding print to standard output. */
    static synchronized void init() {
        if (initialised) {
            return;
        }
        privateNativeFolder();
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            Class.forName(LlamaModel.class.getName(), true, NativeRuntime.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        } finally {
            System.setOut(out);
        }
        for (String line : captured.toString(StandardCharsets.UTF_8).split("\\R")) {
            if (!line.isBlank()) {
                LOG.debug("binding: {}", line);
            }
        }
        routeLog();
        initialised = true;
    }

    /**
     * The binding extracts its native library under a fixed name into {@code java.io.tmpdir} and deletes it when the
     * JVM exits, so two processes started at the same time race on one file (one may load a half-written library, or
     * lose it). Unless the caller chose a folder ({@code -Dde.kherud.llama.tmpdir=...}), each process gets its own.
     */
    private static void privateNativeFolder() {
        String chosen = System.getProperty(NATIVE_FOLDER_PROPERTY);
        if (chosen != null) {
            try {
                java.nio.file.Files.createDirectories(java.nio.file.Path.of(chosen)); // the binding does not
            } catch (java.io.IOException | RuntimeException e) {
                LOG.warn("could not create the native library folder {}", chosen, e);
            }
            return;
        }
        try {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("deliberate-llama-");
            dir.toFile().deleteOnExit(); // registered before the library file, so deleted after it
            System.setProperty(NATIVE_FOLDER_PROPERTY, dir.toString());
        } catch (java.io.IOException | SecurityException e) {
            LOG.warn("could not make a private folder for the native library; using the shared temp folder", e);
        }
    }

    /** Sends llama.cpp's log to SLF4J. */
    static void routeLog() {
        LlamaModel.setLogger(LogFormat.TEXT, NativeRuntime::log);
    }

    private static void log(LogLevel level, String message) {
        String m = message.strip();
        if (m.isEmpty()) {
            return;
        }
        switch (level) {
            case ERROR -> NATIVE_LOG.error(m);
            case WARN -> NATIVE_LOG.warn(m);
            case INFO -> NATIVE_LOG.info(m);
            default -> NATIVE_LOG.debug(m);
        }
    }

    /** Non-daemon threads that are alive now. */
    static Set<Thread> nonDaemonThreads() {
        Set<Thread> out = new java.util.HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (!t.isDaemon() && t.isAlive()) {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * The threads a load started: non-daemon threads that were not there before and run no Java code (a native
     * thread attached to the JVM).
     */
    static List<Thread> threadsStartedSince(Set<Thread> before) {
        // the binding starts its thread detached and it attaches itself to the JVM a moment later: wait for it
        long end = System.nanoTime() + 2_000_000_000L;
        while (true) {
            List<Thread> out = new ArrayList<>();
            for (Thread t : nonDaemonThreads()) {
                if (!before.contains(t) && t.getStackTrace().length == 0) {
                    out.add(t);
                }
            }
            if (!out.isEmpty() || System.nanoTime() > end) {
                if (out.isEmpty()) {
                    LOG.debug("no native llama.cpp thread seen attaching to the JVM");
                }
                return out;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return out;
            }
        }
    }

    /** The model owning {@code threads} was closed: they will never end, so they must not keep the JVM alive. */
    static synchronized void orphaned(List<Thread> threads) {
        if (threads.isEmpty()) {
            return;
        }
        ORPHANS.addAll(threads);
        if (guard != null) {
            return;
        }
        Thread main = null;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if ("main".equals(t.getName()) && t.getThreadGroup() != null
                    && "main".equals(t.getThreadGroup().getName()) && !t.isDaemon()) {
                main = t;
            }
        }
        if (main == null) {
            LOG.debug("no main thread found; the JVM must be ended with System.exit");
            return;
        }
        Thread watched = main;
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            if (t == watched) {
                mainFailed = true;
            }
            if (previous != null) {
                previous.uncaughtException(t, e);
            } else if (!(e instanceof ThreadDeath)) {
                System.err.print("Exception in thread \"" + t.getName() + "\" ");
                e.printStackTrace(System.err);
            }
        });
        guard = new Thread(() -> watch(watched), "deliberate-exit-guard");
        guard.setDaemon(true);
        guard.start();
    }

    private static void watch(Thread main) {
        try {
            main.join();
            while (true) {
                boolean othersAlive = false;
                for (Thread t : nonDaemonThreads()) {
                    if (!ORPHANS.contains(t) && !"DestroyJavaVM".equals(t.getName())) {
                        othersAlive = true;
                        break;
                    }
                }
                if (!othersAlive) {
                    LOG.debug("main returned and only closed llama.cpp threads remain: ending the JVM");
                    System.exit(mainFailed ? 1 : 0);
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
