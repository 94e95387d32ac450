package dev.deliberate.gguf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Hand-assembles GGUF bytes, including ones no writer would produce. */
final class HeaderBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static HeaderBytes gguf(int version, long tensors, long kvs) {
        return new HeaderBytes().raw("GGUF".getBytes(StandardCharsets.US_ASCII)).u32(version).u64(tensors).u64(kvs);
    }

    HeaderBytes raw(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    HeaderBytes u8(int v) {
        out.write(v);
        return this;
    }

    HeaderBytes u32(long v) {
        return raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
    }

    HeaderBytes u64(long v) {
        return raw(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
    }

    HeaderBytes str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return u64(b.length).raw(b);
    }

    /** A metadata entry with a UINT32 value. */
    HeaderBytes kvU32(String key, long value) {
        return str(key).u32(GgufValueType.UINT32.code()).u32(value);
    }

    /** A tensor description. */
    HeaderBytes tensor(String name, int type, long offset, long... dims) {
        str(name).u32(dims.length);
        for (long d : dims) {
            u64(d);
        }
        return u32(type).u64(offset);
    }

    HeaderBytes zeros(int n) {
        return raw(new byte[n]);
    }

    int size() {
        return out.size();
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
