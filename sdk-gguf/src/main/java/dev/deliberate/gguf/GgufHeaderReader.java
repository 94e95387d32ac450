package dev.deliberate.gguf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads one GGUF header, sequentially, through a fixed 64 KiB buffer.
 *
 * <p>Why it is shaped like this: the header is parsed front to back exactly once, and the only things that can make
 * a reader slow or hungry are lengths and counts taken from the file. So every such number passes
 * {@link #count}/{@link #length} first, which compare it with the bytes left in the file (a cheap lower bound on
 * what the elements need) and with {@link GgufLimits}. After that, allocation is proportional to the file itself,
 * and every loop iteration consumes at least one byte, so no input can make the reader hang.
 */
final class GgufHeaderReader {
    private static final int MAGIC = 0x46554747; // "GGUF" read as little-endian uint32
    private static final int MAX_KEY_BYTES = 65_535;
    /** llama.cpp's GGML_MAX_NAME is 64 including the terminating NUL. */
    private static final int MAX_TENSOR_NAME_BYTES = 63;
    /** name length (8) + dimension count (4) + type (4) + offset (8). */
    private static final int MIN_TENSOR_INFO_BYTES = 24;
    /** key length (8) + value type (4) + smallest value (1). */
    private static final int MIN_KV_BYTES = 13;

    private final SeekableByteChannel ch;
    private final String source;
    private final GgufLimits limits;
    private final ByteBuffer buf = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN).flip();
    private long size;
    /** File position of {@code buf}'s index 0. */
    private long bufStart;

    GgufHeaderReader(SeekableByteChannel ch, String source, GgufLimits limits) {
        this.ch = ch;
        this.source = source;
        this.limits = limits;
    }

    GgufFile read() throws IOException {
        size = ch.size();
        if (size < 4) {
            throw fail(0, "not a GGUF file: it has only " + size + " bytes");
        }
        int magic = u32asInt("magic");
        if (magic != MAGIC) {
            throw fail(0, String.format("not a GGUF file: it starts with %02x %02x %02x %02x, not 'GGUF'",
                    magic & 0xff, (magic >>> 8) & 0xff, (magic >>> 16) & 0xff, (magic >>> 24) & 0xff));
        }
        long versionAt = position();
        int version = u32asInt("version");
        if (version != 2 && version != 3) {
            if (version == 1) {
                throw fail(versionAt, "GGUF version 1 (2023, 32-bit counts) is not supported; convert the model again");
            }
            if ((version & 0xFFFF) == 0 && version != 0) {
                throw fail(versionAt, "big-endian GGUF files are not supported");
            }
            throw fail(versionAt, "unsupported GGUF version " + Integer.toUnsignedString(version));
        }
        long tensorCountAt = position();
        long tensorCount = u64("tensor count");
        long kvCount = u64("metadata entry count");
        if (Long.compareUnsigned(tensorCount, limits.maxTensors()) > 0) {
            throw fail(tensorCountAt, "header claims " + Long.toUnsignedString(tensorCount)
                    + " tensors, more than the limit of " + limits.maxTensors());
        }
        if (Long.compareUnsigned(kvCount, limits.maxMetadataKeys()) > 0) {
            throw fail(tensorCountAt + 8, "header claims " + Long.toUnsignedString(kvCount)
                    + " metadata entries, more than the limit of " + limits.maxMetadataKeys());
        }
        long minimum = tensorCount * MIN_TENSOR_INFO_BYTES + kvCount * MIN_KV_BYTES; // both small: no overflow
        if (minimum > remaining()) {
            throw fail(tensorCountAt, "header claims " + tensorCount + " tensors and " + kvCount
                    + " metadata entries, which need at least " + minimum + " bytes, but only " + remaining()
                    + " remain");
        }

        Map<String, GgufValue> metadata = new LinkedHashMap<>();
        int alignment = GgufFile.DEFAULT_ALIGNMENT;
        for (long i = 0; i < kvCount; i++) {
            long kvAt = position();
            String key = string("metadata key", Math.min(MAX_KEY_BYTES, limits.maxStringBytes()));
            if (metadata.containsKey(key)) {
                throw fail(kvAt, "duplicate metadata key '" + key + "'");
            }
            GgufValueType type = valueType("value type of '" + key + "'");
            GgufValue value = value(type, key, 0);
            if (key.equals("general.alignment")) {
                if (type != GgufValueType.UINT32) {
                    throw fail(kvAt, "general.alignment must be a UINT32, not " + type);
                }
                long a = ((GgufValue.IntValue) value).value();
                if (a == 0 || (a & (a - 1)) != 0 || a > (1 << 30)) {
                    throw fail(kvAt, "general.alignment must be a power of two, not " + a);
                }
                alignment = (int) a;
            }
            metadata.put(key, value);
        }

        List<GgufTensorInfo> tensors = new ArrayList<>((int) tensorCount);
        long[] infoOffsets = new long[(int) tensorCount];
        Set<String> names = new HashSet<>();
        for (int i = 0; i < tensorCount; i++) {
            long at = position();
            infoOffsets[i] = at;
            String name = string("tensor name", MAX_TENSOR_NAME_BYTES);
            if (!names.add(name)) {
                throw fail(at, "duplicate tensor name '" + name + "'");
            }
            long dimsAt = position();
            long nDims = u32("dimension count of tensor '" + name + "'");
            if (nDims > 4) {
                throw fail(dimsAt, "tensor '" + name + "' has " + nDims + " dimensions; ggml allows at most 4");
            }
            List<Long> shape = new ArrayList<>((int) nDims);
            long elements = 1;
            for (int d = 0; d < nDims; d++) {
                long dimAt = position();
                long dim = u64("dimension " + d + " of tensor '" + name + "'");
                if (dim < 0) {
                    throw fail(dimAt, "tensor '" + name + "' has dimension " + Long.toUnsignedString(dim)
                            + ", beyond the signed 64-bit range ggml uses");
                }
                if (dim != 0 && elements > Long.MAX_VALUE / dim) {
                    throw fail(dimAt, "tensor '" + name + "' has more than 2^63 elements");
                }
                elements *= dim;
                shape.add(dim);
            }
            long typeAt = position();
            long typeCode = u32("type of tensor '" + name + "'");
            if (typeCode > Integer.MAX_VALUE) {
                throw fail(typeAt, "tensor '" + name + "' has type code " + typeCode);
            }
            GgmlType known = GgmlType.byCode(typeCode).orElse(null);
            if (known != null && ((!shape.isEmpty() && shape.get(0) % known.blockSize() != 0)
                    || elements % known.blockSize() != 0)) {
                throw fail(typeAt, "tensor '" + name + "' of type " + known + " has rows of "
                        + (shape.isEmpty() ? 1 : shape.get(0)) + " elements, not a multiple of the block size "
                        + known.blockSize());
            }
            long offsetAt = position();
            long offset = u64("data offset of tensor '" + name + "'");
            if (offset < 0 || offset % alignment != 0) {
                throw fail(offsetAt, "tensor '" + name + "' has data offset " + Long.toUnsignedString(offset)
                        + ", not a multiple of the alignment " + alignment);
            }
            tensors.add(new GgufTensorInfo(name, shape, (int) typeCode, offset));
        }

        long end = position();
        long dataOffset = end + (alignment - end % alignment) % alignment;
        for (int i = 0; i < tensors.size(); i++) {
            GgufTensorInfo t = tensors.get(i);
            long bytes = t.byteSize().orElse(0);
            if (t.type().isPresent() && t.byteSize().isEmpty()) {
                throw fail(infoOffsets[i], "tensor '" + t.name() + "' has more bytes than a 64-bit offset holds");
            }
            if (dataOffset > size || t.offset() > size - dataOffset || bytes > size - dataOffset - t.offset()) {
                throw fail(infoOffsets[i], "tensor '" + t.name() + "' data [" + (dataOffset + t.offset()) + ", +"
                        + bytes + " bytes) lies beyond the end of the file (" + size
                        + " bytes); the file is truncated");
            }
        }
        return new GgufFile(source, version, metadata, tensors, alignment, dataOffset, size);
    }

    private GgufValue value(GgufValueType type, String key, int depth) throws IOException {
        return switch (type) {
            case UINT8 -> new GgufValue.IntValue(type, u8(key));
            case INT8 -> new GgufValue.IntValue(type, (byte) u8(key));
            case UINT16 -> new GgufValue.IntValue(type, u16(key));
            case INT16 -> new GgufValue.IntValue(type, (short) u16(key));
            case UINT32 -> new GgufValue.IntValue(type, u32(key));
            case INT32 -> new GgufValue.IntValue(type, (int) u32(key));
            case UINT64, INT64 -> new GgufValue.IntValue(type, u64(key));
            case FLOAT32 -> new GgufValue.FloatValue(type, Float.intBitsToFloat((int) u32(key)));
            case FLOAT64 -> new GgufValue.FloatValue(type, Double.longBitsToDouble(u64(key)));
            case BOOL -> new GgufValue.BoolValue(bool(key));
            case STRING -> new GgufValue.StringValue(string("value of '" + key + "'", limits.maxStringBytes()));
            case ARRAY -> array(key, depth + 1);
        };
    }

    private GgufValue.ArrayValue array(String key, int depth) throws IOException {
        long at = position();
        if (depth > limits.maxArrayDepth()) {
            throw fail(at, "arrays nested more than " + limits.maxArrayDepth() + " deep in '" + key + "'");
        }
        GgufValueType elementType = valueType("element type of array '" + key + "'");
        int n = count("element count of array '" + key + "'", limits.maxArrayElements(),
                elementType.minimumSize());
        switch (elementType) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> {
                long[] values = new long[n];
                for (int i = 0; i < n; i++) {
                    values[i] = ((GgufValue.IntValue) value(elementType, key, depth)).value();
                }
                return GgufValue.ArrayValue.ofIntegers(elementType, values);
            }
            case FLOAT32, FLOAT64 -> {
                double[] values = new double[n];
                for (int i = 0; i < n; i++) {
                    values[i] = ((GgufValue.FloatValue) value(elementType, key, depth)).value();
                }
                return GgufValue.ArrayValue.ofFloats(elementType, values);
            }
            case BOOL -> {
                boolean[] values = new boolean[n];
                for (int i = 0; i < n; i++) {
                    values[i] = bool(key);
                }
                return GgufValue.ArrayValue.ofBooleans(values);
            }
            case STRING -> {
                List<String> values = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    values.add(string("element " + i + " of '" + key + "'", limits.maxStringBytes()));
                }
                return GgufValue.ArrayValue.ofStrings(values);
            }
            case ARRAY -> {
                List<GgufValue.ArrayValue> values = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    values.add(array(key, depth + 1));
                }
                return GgufValue.ArrayValue.ofArrays(values);
            }
            default -> throw new AssertionError(elementType);
        }
    }

    private GgufValueType valueType(String what) throws IOException {
        long at = position();
        long code = u32(what);
        return GgufValueType.byCode(code)
                .orElseThrow(() -> fail(at, "unknown GGUF value type " + code + " (" + what + ")"));
    }

    /** A count of elements that each take at least {@code minBytesEach} bytes. */
    private int count(String what, int limit, int minBytesEach) throws IOException {
        long at = position();
        long n = u64(what);
        if (Long.compareUnsigned(n, limit) > 0) {
            throw fail(at, what + " is " + Long.toUnsignedString(n) + ", more than the limit of " + limit);
        }
        if (n * minBytesEach > remaining()) {
            throw fail(at, what + " is " + n + ", but only " + remaining() + " bytes remain in the file");
        }
        return (int) n;
    }

    private String string(String what, int maxBytes) throws IOException {
        int n = length(what, maxBytes);
        byte[] bytes = bytes(n);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** A byte length checked against the remaining file and {@code maxBytes}. */
    private int length(String what, int maxBytes) throws IOException {
        long at = position();
        long n = u64("length of " + what);
        if (Long.compareUnsigned(n, maxBytes) > 0) {
            throw fail(at, what + " has length " + Long.toUnsignedString(n) + ", more than the limit of "
                    + maxBytes + " bytes");
        }
        if (n > remaining()) {
            throw fail(at, what + " has length " + n + ", but only " + remaining() + " bytes remain in the file");
        }
        return (int) n;
    }

    private int u8(String what) throws IOException {
        ensure(1, what);
        return buf.get() & 0xff;
    }

    private boolean bool(String what) throws IOException {
        long at = position();
        int b = u8(what);
        if (b > 1) {
            throw fail(at, "boolean " + what + " has byte value " + b + ", not 0 or 1");
        }
        return b == 1;
    }

    private int u16(String what) throws IOException {
        ensure(2, what);
        return buf.getShort() & 0xffff;
    }

    private long u32(String what) throws IOException {
        ensure(4, what);
        return buf.getInt() & 0xFFFF_FFFFL;
    }

    private int u32asInt(String what) throws IOException {
        ensure(4, what);
        return buf.getInt();
    }

    private long u64(String what) throws IOException {
        ensure(8, what);
        return buf.getLong();
    }

    private byte[] bytes(int n) throws IOException {
        byte[] out = new byte[n];
        if (n <= buf.capacity()) {
            ensure(n, "string");
            buf.get(out);
            return out;
        }
        int fromBuffer = buf.remaining();
        buf.get(out, 0, fromBuffer);
        ByteBuffer rest = ByteBuffer.wrap(out, fromBuffer, n - fromBuffer);
        long at = bufStart + buf.limit();
        while (rest.hasRemaining()) {
            if (ch.read(rest) < 0) {
                throw fail(at, "the file ended while reading a string of " + n + " bytes");
            }
        }
        bufStart = at + (n - fromBuffer);
        buf.clear().flip();
        return out;
    }

    private long position() {
        return bufStart + buf.position();
    }

    private long remaining() {
        return size - position();
    }

    private void ensure(int n, String what) throws IOException {
        if (buf.remaining() >= n) {
            return;
        }
        long pos = position();
        if (n > size - pos) {
            throw fail(pos, "the file ends " + (size - pos) + " bytes too early: " + what + " needs " + n
                    + " bytes; the file is truncated");
        }
        bufStart = pos;
        buf.compact();
        int idle = 0;
        while (buf.position() < n) {
            int r = ch.read(buf);
            if (r == 0 && ++idle > 1000) {
                throw new IOException(source + ": the channel returns no bytes (non-blocking?)");
            }
            if (r < 0) {
                buf.flip();
                throw fail(pos, "the file ended while reading " + what + " (did it shrink while being read?)");
            }
        }
        buf.flip();
    }

    private GgufFormatException fail(long offset, String problem) {
        return new GgufFormatException(source, offset, problem);
    }
}
