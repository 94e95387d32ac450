package dev.deliberate.adapt.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.deliberate.core.io.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The state of a training run after a step, in one file written atomically ({@link AtomicFiles}): readers see the
 * previous checkpoint or the complete new one, never a part. Holds what makes a resumed run continue exactly where
 * the killed one was: the step, tokens and time so far, every trainable parameter and both AdamW moments. The example
 * order and dropout are functions of the seed and the step, so they need no state. A CRC-32 over the content catches
 * a damaged file; the configuration and the base model's SHA-256 are checked on resume.
 *
 * <p>Format (big-endian): magic {@code DLBRCKPT}, version, the configuration entries, the base SHA-256, step,
 * tokens, elapsed nanoseconds, AdamW steps, the parameter count, then per parameter its name, rank, dimensions and
 * three float arrays (values, first and second moment), then the CRC-32 of everything before it.
 */
record Checkpoint(Map<String, String> configuration, String baseSha256, long step, long tokens, long elapsedNanos,
        long optimizerSteps, Map<String, float[][]> parameters) {

    private static final long MAGIC = 0x444C4252434B5054L; // "DLBRCKPT"
    private static final int VERSION = 1;
    private static final int MAX_ENTRIES = 4096;
    private static final int MAX_PARAMETERS = 1 << 16;
    private static final int MAX_TEXT = 1 << 16;

    /** Writes the state of a run atomically; the parameters and moments are read from their arrays one at a time. */
    static void write(Path file, Map<String, String> configuration, String baseSha256, long step, long tokens,
            long elapsedNanos, AdamW optimizer, Map<String, NDArray> parameters) throws IOException {
        AtomicFiles.write(file, raw -> {
            CRC32 crc = new CRC32();
            DataOutputStream out = new DataOutputStream(new CheckedOutputStream(raw, crc));
            out.writeLong(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(configuration.size());
            for (Map.Entry<String, String> e : new TreeMap<>(configuration).entrySet()) {
                out.writeUTF(e.getKey());
                out.writeUTF(e.getValue());
            }
            out.writeUTF(baseSha256);
            out.writeLong(step);
            out.writeLong(tokens);
            out.writeLong(elapsedNanos);
            out.writeLong(optimizer.steps());
            out.writeInt(parameters.size());
            for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
                NDArray p = e.getValue();
                out.writeUTF(e.getKey());
                long[] shape = p.getShape().getShape();
                out.writeInt(shape.length);
                for (long d : shape) {
                    out.writeLong(d);
                }
                float[] values = p.toFloatArray();
                floats(out, values);
                NDArray m = optimizer.first(e.getKey());
                NDArray v = optimizer.second(e.getKey());
                floats(out, m == null ? new float[values.length] : m.toFloatArray());
                floats(out, v == null ? new float[values.length] : v.toFloatArray());
            }
            out.flush();
            raw.write(ByteBuffer.allocate(8).putLong(crc.getValue()).array());
        });
    }

    private static void floats(DataOutputStream out, float[] values) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024).order(ByteOrder.BIG_ENDIAN);
        for (float f : values) {
            if (!buf.hasRemaining()) {
                out.write(buf.array(), 0, buf.position());
                buf.clear();
            }
            buf.putFloat(f);
        }
        out.write(buf.array(), 0, buf.position());
    }

    /**
     * Reads a checkpoint, bounded by the file's size.
     *
     * @throws CheckpointException unreadable, not a checkpoint, truncated or damaged
     */
    static Checkpoint read(Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new CheckpointException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
            CRC32 crc = new CRC32();
            DataInputStream in = new DataInputStream(new CheckedInputStream(raw, crc));
            if (in.readLong() != MAGIC) {
                throw new CheckpointException(file + " is not a Deliberate training checkpoint");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new CheckpointException(file + " is a checkpoint of version " + version + "; this version reads "
                        + VERSION);
            }
            int entries = bounded(file, in.readInt(), MAX_ENTRIES, "configuration entries");
            Map<String, String> configuration = new TreeMap<>();
            for (int i = 0; i < entries; i++) {
                configuration.put(in.readUTF(), in.readUTF());
            }
            String sha = in.readUTF();
            long step = in.readLong();
            long tokens = in.readLong();
            long elapsed = in.readLong();
            long optimizerSteps = in.readLong();
            int count = bounded(file, in.readInt(), MAX_PARAMETERS, "parameters");
            Map<String, float[][]> parameters = new LinkedHashMap<>();
            long budget = size / 4;
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                int rank = bounded(file, in.readInt(), 4, "dimensions of " + name);
                long elements = 1;
                for (int d = 0; d < rank; d++) {
                    long dim = in.readLong();
                    if (dim < 1 || dim > budget) {
                        throw new CheckpointException(file + ": parameter " + name + " has a bad dimension " + dim);
                    }
                    elements *= dim;
                    if (elements > budget) {
                        throw new CheckpointException(file + ": parameter " + name + " is larger than the file");
                    }
                }
                budget -= 3 * elements;
                if (budget < 0) {
                    throw new CheckpointException(file + " is truncated (parameter " + name + ")");
                }
                float[][] arrays = new float[3][];
                for (int k = 0; k < 3; k++) {
                    arrays[k] = readFloats(in, (int) elements);
                }
                parameters.put(name, arrays);
            }
            long expected = crc.getValue();
            long stored = new DataInputStream(raw).readLong();
            if (stored != expected || raw.read() != -1) {
                throw new CheckpointException(file + " is damaged (checksum mismatch)");
            }
            return new Checkpoint(configuration, sha, step, tokens, elapsed, optimizerSteps, parameters);
        } catch (EOFException e) {
            throw new CheckpointException(file + " is truncated", e);
        } catch (IOException e) {
            throw new CheckpointException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    private static int bounded(Path file, int value, int max, String what) {
        if (value < 0 || value > max) {
            throw new CheckpointException(file + ": " + value + " " + what + " (at most " + max + ")");
        }
        return value;
    }

    private static float[] readFloats(DataInputStream in, int n) throws IOException {
        float[] out = new float[n];
        byte[] buf = new byte[64 * 1024];
        int done = 0;
        while (done < n) {
            int take = Math.min(buf.length / 4, n - done);
            in.readFully(buf, 0, take * 4);
            ByteBuffer.wrap(buf, 0, take * 4).order(ByteOrder.BIG_ENDIAN).asFloatBuffer().get(out, done, take);
            done += take;
        }
        return out;
    }

    /** The shape a parameter must have, for a message. */
    static String shapeOf(NDArray p) {
        return Arrays.toString(p.getShape().getShape());
    }

    /** Whether stored values fit a parameter. */
    static boolean fits(float[] values, Shape shape) {
        return values.length == shape.size();
    }
}
