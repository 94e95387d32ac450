package dev.deliberate.gguf;

import dev.deliberate.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Writes a GGUF version 3 file: metadata in the order given, tensor descriptions, then the tensor data, each piece
 * aligned to {@code general.alignment} (32 when that key is absent). Little-endian throughout.
 *
 * <pre>{@code
 * new GgufWriter()
 *     .put("general.architecture", GgufValue.string("qwen2"))
 *     .tensor("output_norm.weight", GgmlType.F32, List.of(64L), sink -> sink.accept(ones, 0, 64))
 *     .write(Path.of("model.gguf"));
 * }</pre>
 *
 * <p>Tensor values are given as floats and encoded as {@link GgmlType#F32}, {@link GgmlType#F16}, or one of the
 * block quantizations {@link GgmlType#Q8_0}, {@link GgmlType#Q4_0}, {@link GgmlType#Q4_1}, {@link GgmlType#Q5_0},
 * {@link GgmlType#Q5_1} (blocks of 32 values) and the k-quants {@link GgmlType#Q2_K}, {@link GgmlType#Q3_K},
 * {@link GgmlType#Q4_K}, {@link GgmlType#Q5_K}, {@link GgmlType#Q6_K} (super-blocks of 256 values), each with the
 * algorithm of ggml's reference quantizer ({@code quantize_row_*_ref}, no importance matrix); see
 * {@link #encodableTypes()}. A tensor's row length (first dimension) must be a multiple of its type's block size.
 * Data is pulled from each {@link TensorData} while
 * writing, so a large model never needs to fit in memory. The file appears atomically: it is written to a
 * temporary file in the same directory and moved into place only when complete.
 *
 * <p>A writer is a mutable, single-threaded builder; {@link #write(Path)} may be called more than once if the
 * tensor data sources can produce their values more than once.
 */
public final class GgufWriter {

    /** Produces the values of one tensor, in ggml order (first dimension fastest). */
    @FunctionalInterface
    public interface TensorData {
        /**
         * Pushes exactly as many values as the tensor has elements into {@code sink}, in any number of calls.
         *
         * @param sink where the values go
         * @throws IOException if the sink fails to write
         */
        void produce(FloatSink sink) throws IOException;
    }

    /** Receives tensor values. */
    @FunctionalInterface
    public interface FloatSink {
        /**
         * @param values array holding the values
         * @param offset index of the first value
         * @param length number of values
         * @throws IOException if writing fails
         */
        void accept(float[] values, int offset, int length) throws IOException;
    }

    private static final Set<GgmlType> ENCODABLE = encodable();
    private static final int BUFFER_BYTES = 1 << 20;

    private static Set<GgmlType> encodable() {
        Set<GgmlType> s = EnumSet.of(GgmlType.F32, GgmlType.F16);
        s.addAll(Quantizer.SUPPORTED);
        return Collections.unmodifiableSet(s);
    }

    /** @return the element types {@link #tensor} can encode */
    public static Set<GgmlType> encodableTypes() {
        return ENCODABLE;
    }

    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final List<Tensor> tensors = new ArrayList<>();
    /** Tensors whose encoded bytes are given as they are ({@link #rawTensor}), by name. */
    private final Map<String, RawData> raw = new java.util.HashMap<>();

    private record Tensor(String name, GgmlType type, List<Long> shape, long elements, long bytes, TensorData data) {
    }

    /** Creates an empty writer. */
    public GgufWriter() {
    }

    /**
     * Adds a metadata entry; entries are written in the order they are added.
     *
     * @param key   the key, such as {@code general.architecture} (at most 65,535 UTF-8 bytes)
     * @param value the value
     * @return this writer
     * @throws IllegalArgumentException if the key was already added, or {@code general.alignment} is not a UINT32
     *                                  power of two
     */
    public GgufWriter put(String key, GgufValue value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (key.getBytes(StandardCharsets.UTF_8).length > 65_535) {
            throw new IllegalArgumentException("metadata key longer than 65535 bytes");
        }
        if (metadata.containsKey(key)) {
            throw new IllegalArgumentException("metadata key '" + key + "' added twice");
        }
        if (key.equals("general.alignment")) {
            if (!(value instanceof GgufValue.IntValue a) || a.type() != GgufValueType.UINT32 || a.value() == 0
                    || (a.value() & (a.value() - 1)) != 0 || a.value() > (1 << 30)) {
                throw new IllegalArgumentException("general.alignment must be a UINT32 power of two: " + value);
            }
        }
        metadata.put(key, value);
        return this;
    }

    /**
     * Adds a tensor; tensors are written in the order they are added.
     *
     * @param name  tensor name, at most 63 UTF-8 bytes, unique
     * @param type  F32, F16 or Q8_0
     * @param shape 1 to 4 dimensions in ggml order (row length first); for Q8_0 the row length must be a multiple
     *              of 32
     * @param data  source of the values, called during {@link #write(Path)}
     * @return this writer
     * @throws IllegalArgumentException if the name, type or shape is not acceptable
     */
    public GgufWriter tensor(String name, GgmlType type, List<Long> shape, TensorData data) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(data, "data");
        if (!ENCODABLE.contains(type)) {
            throw new IllegalArgumentException("cannot encode tensors of type " + type + "; encodable: " + ENCODABLE);
        }
        if (name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > 63) {
            throw new IllegalArgumentException("tensor name must have 1 to 63 bytes: '" + name + "'");
        }
        for (Tensor t : tensors) {
            if (t.name.equals(name)) {
                throw new IllegalArgumentException("tensor '" + name + "' added twice");
            }
        }
        if (shape.isEmpty()) {
            throw new IllegalArgumentException("tensor '" + name + "' needs at least one dimension");
        }
        GgufTensorInfo probe = new GgufTensorInfo(name, shape, type.code(), 0); // validates dimensions
        if (shape.get(0) % type.blockSize() != 0) {
            throw new IllegalArgumentException("tensor '" + name + "': row length " + shape.get(0)
                    + " is not a multiple of " + type.blockSize() + " as " + type + " needs");
        }
        long bytes = probe.byteSize().orElseThrow(
                () -> new IllegalArgumentException("tensor '" + name + "' is too large"));
        tensors.add(new Tensor(name, type, List.copyOf(shape), probe.elementCount(), bytes, data));
        return this;
    }

    /** Produces the encoded bytes of one tensor, exactly as they are stored in a GGUF file. */
    @FunctionalInterface
    public interface RawData {
        /**
         * Pushes exactly the tensor's size in bytes into {@code sink}, in any number of calls.
         *
         * @param sink where the bytes go
         * @throws IOException if reading the source or writing fails
         */
        void produce(ByteSink sink) throws IOException;
    }

    /** Receives encoded tensor bytes. */
    @FunctionalInterface
    public interface ByteSink {
        /**
         * @param bytes  array holding the bytes
         * @param offset index of the first byte
         * @param length number of bytes
         * @throws IOException if writing fails
         */
        void accept(byte[] bytes, int offset, int length) throws IOException;
    }

    /**
     * Adds a tensor whose data is copied byte for byte, of any type whose size ggml defines (for example a
     * {@code Q4_K} tensor of another file); tensors are written in the order they are added.
     *
     * @param name  tensor name, at most 63 UTF-8 bytes, unique
     * @param type  the element type the bytes are encoded in
     * @param shape 1 to 4 dimensions in ggml order; the row length must be a multiple of the type's block size
     * @param data  source of the bytes, called during {@link #write(Path)}
     * @return this writer
     * @throws IllegalArgumentException if the name or shape is not acceptable
     */
    public GgufWriter rawTensor(String name, GgmlType type, List<Long> shape, RawData data) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(type, "type");
        GgmlType probeType = ENCODABLE.contains(type) ? type : GgmlType.F32;
        tensor(name, probeType, shape, sink -> { }); // name, uniqueness and dimension checks
        Tensor probe = tensors.remove(tensors.size() - 1);
        GgufTensorInfo info = new GgufTensorInfo(name, shape, type.code(), 0);
        if (shape.get(0) % type.blockSize() != 0) {
            throw new IllegalArgumentException("tensor '" + name + "': row length " + shape.get(0)
                    + " is not a multiple of " + type.blockSize() + " as " + type + " needs");
        }
        long bytes = info.byteSize().orElseThrow(
                () -> new IllegalArgumentException("tensor '" + name + "' is too large"));
        tensors.add(new Tensor(name, type, probe.shape(), probe.elements(), bytes, sink -> { }));
        raw.put(name, data);
        return this;
    }

    /**
     * Writes the file atomically: to a temporary file beside {@code path}, then moved onto {@code path}
     * (replacing it). On failure the temporary file is removed and {@code path} is untouched.
     *
     * @param path where the file goes; its directory must exist
     * @return the size of the file in bytes
     * @throws IOException           if writing fails
     * @throws IllegalStateException if a {@link TensorData} produced the wrong number of values
     */
    public long write(Path path) throws IOException {
        return AtomicFiles.writeChannel(path, ch -> {
            Out out = new Out(ch);
            writeTo(out);
            out.flush();
            return out.written;
        });
    }

    private void writeTo(Out out) throws IOException {
        int alignment = metadata.get("general.alignment") instanceof GgufValue.IntValue a
                ? (int) a.value() : GgufFile.DEFAULT_ALIGNMENT;
        out.u32(0x46554747); // "GGUF"
        out.u32(3);
        out.u64(tensors.size());
        out.u64(metadata.size());
        for (Map.Entry<String, GgufValue> e : metadata.entrySet()) {
            out.string(e.getKey());
            out.u32(e.getValue().type().code());
            value(out, e.getValue());
        }
        long offset = 0;
        for (Tensor t : tensors) {
            out.string(t.name);
            out.u32(t.shape.size());
            for (long d : t.shape) {
                out.u64(d);
            }
            out.u32(t.type.code());
            out.u64(offset);
            offset += t.bytes + pad(t.bytes, alignment);
        }
        out.zeros(pad(out.written, alignment));
        for (Tensor t : tensors) {
            RawData rawData = raw.get(t.name);
            if (rawData != null) {
                long before = out.written;
                rawData.produce(out::bytes);
                if (out.written - before != t.bytes) {
                    throw new IllegalStateException("tensor '" + t.name + "' has " + t.bytes
                            + " bytes but its data source produced " + (out.written - before));
                }
                out.zeros(pad(t.bytes, alignment));
                continue;
            }
            Encoder enc = new Encoder(out, t.type);
            t.data.produce(enc);
            enc.finish();
            if (enc.count != t.elements) {
                throw new IllegalStateException("tensor '" + t.name + "' has " + t.elements
                        + " elements but its data source produced " + enc.count + " values");
            }
            out.zeros(pad(t.bytes, alignment));
        }
    }

    private static long pad(long n, int alignment) {
        return (alignment - n % alignment) % alignment;
    }

    private static void value(Out out, GgufValue v) throws IOException {
        if (v instanceof GgufValue.IntValue i) {
            switch (i.type()) {
                case UINT8, INT8 -> out.u8((int) i.value());
                case UINT16, INT16 -> out.u16((int) i.value());
                case UINT32, INT32 -> out.u32((int) i.value());
                default -> out.u64(i.value());
            }
        } else if (v instanceof GgufValue.FloatValue f) {
            if (f.type() == GgufValueType.FLOAT32) {
                out.u32(Float.floatToRawIntBits((float) f.value()));
            } else {
                out.u64(Double.doubleToRawLongBits(f.value()));
            }
        } else if (v instanceof GgufValue.BoolValue b) {
            out.u8(b.value() ? 1 : 0);
        } else if (v instanceof GgufValue.StringValue s) {
            out.string(s.value());
        } else {
            GgufValue.ArrayValue a = (GgufValue.ArrayValue) v;
            out.u32(a.elementType().code());
            out.u64(a.size());
            for (int i = 0; i < a.size(); i++) {
                value(out, a.get(i)); // elements carry no type code; nested arrays write their own header
            }
        }
    }

    /** Buffered little-endian output to a channel; counts bytes written. */
    private static final class Out {
        private final FileChannel ch;
        private final ByteBuffer buf = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        long written;

        Out(FileChannel ch) {
            this.ch = ch;
        }

        /** The buffer's backing array; valid until the next call that may flush. */
        byte[] array() {
            return buf.array();
        }

        /** Makes room for {@code n} bytes the caller writes into {@link #array()} at the returned index. */
        int reserve(int n) throws IOException {
            ByteBuffer b = room(n);
            int at = b.position();
            b.position(at + n);
            return at;
        }

        ByteBuffer room(int n) throws IOException {
            if (buf.remaining() < n) {
                flush();
            }
            written += n;
            return buf;
        }

        void u8(int v) throws IOException {
            room(1).put((byte) v);
        }

        void u16(int v) throws IOException {
            room(2).putShort((short) v);
        }

        void u32(int v) throws IOException {
            room(4).putInt(v);
        }

        void u64(long v) throws IOException {
            room(8).putLong(v);
        }

        void string(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            bytes(b);
        }

        void bytes(byte[] b) throws IOException {
            if (b.length <= buf.capacity()) {
                room(b.length).put(b);
            } else {
                flush();
                ByteBuffer w = ByteBuffer.wrap(b);
                while (w.hasRemaining()) {
                    ch.write(w);
                }
                written += b.length;
            }
        }

        void bytes(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            while (len > 0) {
                int n = Math.min(len, buf.capacity());
                room(n).put(b, off, n);
                off += n;
                len -= n;
            }
        }

        void zeros(long n) throws IOException {
            for (long i = 0; i < n; i++) {
                u8(0);
            }
        }

        void flush() throws IOException {
            buf.flip();
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            buf.clear();
        }
    }

    /** Encodes floats as F32, F16 or a block type, keeping a partial block between calls. */
    private static final class Encoder implements FloatSink {
        private final Out out;
        private final GgmlType type;
        private final Quantizer quantizer;
        private final float[] block;
        private final int blockValues;
        private final int blockBytes;
        private int inBlock;
        long count;

        Encoder(Out out, GgmlType type) {
            this.out = out;
            this.type = type;
            boolean blocks = type != GgmlType.F32 && type != GgmlType.F16;
            this.quantizer = blocks ? new Quantizer(type) : null;
            this.blockValues = type.blockSize();
            this.blockBytes = type.blockBytes();
            this.block = new float[blockValues];
        }

        @Override
        public void accept(float[] values, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, values.length);
            count += length;
            int i = offset;
            int end = offset + length;
            switch (type) {
                case F32 -> {
                    while (i < end) {
                        int n = Math.min(end - i, BUFFER_BYTES / 4);
                        int at = out.reserve(4 * n);
                        byte[] a = out.array();
                        for (int k = 0; k < n; k++, at += 4) {
                            int bits = Float.floatToRawIntBits(values[i++]);
                            a[at] = (byte) bits;
                            a[at + 1] = (byte) (bits >>> 8);
                            a[at + 2] = (byte) (bits >>> 16);
                            a[at + 3] = (byte) (bits >>> 24);
                        }
                    }
                }
                case F16 -> {
                    while (i < end) {
                        int n = Math.min(end - i, BUFFER_BYTES / 2);
                        int at = out.reserve(2 * n);
                        byte[] a = out.array();
                        for (int k = 0; k < n; k++, at += 2) {
                            short h = Float16.fromFloat(values[i++]);
                            a[at] = (byte) h;
                            a[at + 1] = (byte) (h >>> 8);
                        }
                    }
                }
                default -> {
                    while (inBlock != 0 && i < end) {
                        block[inBlock++] = values[i++];
                        if (inBlock == blockValues) {
                            quantizer.block(block, 0, out.array(), out.reserve(blockBytes));
                            inBlock = 0;
                        }
                    }
                    for (; end - i >= blockValues; i += blockValues) {
                        int at = out.reserve(blockBytes); // reserve first: it may flush the buffer
                        quantizer.block(values, i, out.array(), at);
                    }
                    while (i < end) {
                        block[inBlock++] = values[i++];
                    }
                }
            }
        }

        void finish() {
            if (inBlock != 0) {
                throw new IllegalStateException(type + " data ended inside a block of " + blockValues + " values");
            }
        }
    }
}
