package dev.deliberate.llama;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleConsumer;

/**
 * SHA-256 of model files for provenance, computed once per file version (path, size, modification time) and on its
 * own thread, in parallel with the native load (the read also warms the page cache that load maps).
 */
final class Sha256Cache {

    private static final ConcurrentHashMap<String, String> DONE = new ConcurrentHashMap<>();

    private Sha256Cache() {}

    static CompletableFuture<String> of(Path file, DoubleConsumer progress) {
        String key;
        try {
            key = file.toRealPath() + "|" + Files.size(file) + "|" + Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new UncheckedIOException(e));
        }
        String known = DONE.get(key);
        if (known != null) {
            progress.accept(1.0);
            return CompletableFuture.completedFuture(known);
        }
        CompletableFuture<String> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                String h = hash(file, progress);
                DONE.put(key, h);
                f.complete(h);
            } catch (IOException | RuntimeException e) {
                f.completeExceptionally(e);
            }
        }, "deliberate-sha256");
        t.setDaemon(true);
        t.start();
        return f;
    }

    private static String hash(Path file, DoubleConsumer progress) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            long done = 0;
            long reported = 0;
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
            while (ch.read(buf) > 0) {
                buf.flip();
                done += buf.remaining();
                md.update(buf);
                buf.clear();
                if (size > 0 && done - reported >= (32L << 20)) {
                    reported = done;
                    progress.accept((double) done / size);
                }
            }
        }
        progress.accept(1.0);
        return HexFormat.of().formatHex(md.digest());
    }
}
