package dev.deliberate.medical.dicom;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Hand-assembles DICOM bytes for malformed-input tests. */
final class Bytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static Bytes part10(String tsUid) {
        Bytes b = new Bytes();
        b.raw(new byte[128]).ascii("DICM");
        byte[] uid = pad(tsUid.getBytes(StandardCharsets.US_ASCII));
        b.tag(0x00020000).ascii("UL").u16(4).u32(8 + uid.length);
        b.tag(0x00020010).ascii("UI").u16(uid.length).raw(uid);
        return b;
    }

    static byte[] pad(byte[] b) {
        if (b.length % 2 == 0) {
            return b;
        }
        byte[] p = new byte[b.length + 1];
        System.arraycopy(b, 0, p, 0, b.length);
        return p;
    }

    Bytes raw(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    Bytes ascii(String s) {
        return raw(s.getBytes(StandardCharsets.US_ASCII));
    }

    Bytes u16(int v) {
        out.write(v);
        out.write(v >>> 8);
        return this;
    }

    Bytes u32(long v) {
        return u16((int) (v & 0xFFFF)).u16((int) (v >>> 16));
    }

    Bytes tag(int tag) {
        return u16(tag >>> 16).u16(tag & 0xFFFF);
    }

    /** Explicit VR LE short-header element with a string value. */
    Bytes explicit(int tag, String vr, String value) {
        byte[] v = value.getBytes(StandardCharsets.ISO_8859_1);
        return tag(tag).ascii(vr).u16(v.length).raw(v);
    }

    /** Implicit VR LE element. */
    Bytes implicit(int tag, byte[] value) {
        return tag(tag).u32(value.length).raw(value);
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    int size() {
        return out.size();
    }
}
