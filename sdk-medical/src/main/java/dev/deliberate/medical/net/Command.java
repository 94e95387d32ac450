package dev.deliberate.medical.net;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * A DIMSE command set (PS3.7 E.1): group 0000 elements, always implicit VR little endian. Decoding is bounded and
 * strict (lengths inside the buffer, only group 0000, fixed lengths for US/UL/AT); the group length is computed on
 * encoding. Internal: not API.
 */
final class Command {
    static final int AFFECTED_SOP_CLASS = 0x00000002;
    static final int REQUESTED_SOP_CLASS = 0x00000003;
    static final int COMMAND_FIELD = 0x00000100;
    static final int MESSAGE_ID = 0x00000110;
    static final int MESSAGE_ID_RESPONDED = 0x00000120;
    static final int MOVE_DESTINATION = 0x00000600;
    static final int PRIORITY = 0x00000700;
    static final int DATASET_TYPE = 0x00000800;
    static final int STATUS = 0x00000900;
    static final int OFFENDING_ELEMENT = 0x00000901;
    static final int ERROR_COMMENT = 0x00000902;
    static final int AFFECTED_SOP_INSTANCE = 0x00001000;
    static final int REMAINING = 0x00001020;
    static final int COMPLETED = 0x00001021;
    static final int FAILED = 0x00001022;
    static final int WARNING = 0x00001023;
    static final int MOVE_ORIGINATOR_AE = 0x00001030;
    static final int MOVE_ORIGINATOR_ID = 0x00001031;

    static final int C_STORE_RQ = 0x0001;
    static final int C_STORE_RSP = 0x8001;
    static final int C_FIND_RQ = 0x0020;
    static final int C_FIND_RSP = 0x8020;
    static final int C_MOVE_RQ = 0x0021;
    static final int C_MOVE_RSP = 0x8021;
    static final int C_GET_RQ = 0x0010;
    static final int C_GET_RSP = 0x8010;
    static final int C_ECHO_RQ = 0x0030;
    static final int C_ECHO_RSP = 0x8030;
    static final int C_CANCEL_RQ = 0x0FFF;
    static final int NO_DATASET = 0x0101;

    /** Largest encoded command accepted from a peer. */
    static final int MAX_LENGTH = 64 * 1024;

    private final TreeMap<Integer, byte[]> values = new TreeMap<>(Integer::compareUnsigned);

    Command setUS(int tag, int v) {
        values.put(tag, new byte[] {(byte) v, (byte) (v >> 8)});
        return this;
    }

    Command setString(int tag, String s, boolean uid) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        if ((b.length & 1) != 0) {
            byte[] p = new byte[b.length + 1];
            System.arraycopy(b, 0, p, 0, b.length);
            p[b.length] = uid ? 0 : (byte) ' ';
            b = p;
        }
        values.put(tag, b);
        return this;
    }

    Command setUid(int tag, String uid) {
        return setString(tag, uid, true);
    }

    boolean contains(int tag) {
        return values.containsKey(tag);
    }

    OptionalInt getUS(int tag) {
        byte[] b = values.get(tag);
        if (b == null || b.length != 2) {
            return OptionalInt.empty();
        }
        return OptionalInt.of((b[0] & 0xFF) | (b[1] & 0xFF) << 8);
    }

    int requireUS(int tag) {
        OptionalInt v = getUS(tag);
        if (v.isEmpty()) {
            throw new DicomProtocolException(String.format("command lacks (0000,%04X) or it is not 2 bytes",
                    tag & 0xFFFF), 6);
        }
        return v.getAsInt();
    }

    Optional<String> getString(int tag) {
        byte[] b = values.get(tag);
        if (b == null) {
            return Optional.empty();
        }
        int end = b.length;
        while (end > 0 && (b[end - 1] == 0 || b[end - 1] == ' ')) {
            end--;
        }
        int start = 0;
        while (start < end && b[start] == ' ') {
            start++;
        }
        return Optional.of(new String(b, start, end - start, StandardCharsets.ISO_8859_1));
    }

    int commandField() {
        return requireUS(COMMAND_FIELD);
    }

    boolean hasDataset() {
        return requireUS(DATASET_TYPE) != NO_DATASET;
    }

    DimseStatus status() {
        return new DimseStatus(requireUS(STATUS), getString(ERROR_COMMENT).filter(s -> !s.isEmpty()));
    }

    byte[] encode() {
        ByteArrayOutputStream body = new ByteArrayOutputStream(256);
        for (Map.Entry<Integer, byte[]> e : values.entrySet()) {
            writeElement(body, e.getKey(), e.getValue());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.size() + 12);
        int n = body.size();
        writeElement(out, 0, new byte[] {(byte) n, (byte) (n >> 8), (byte) (n >> 16), (byte) (n >> 24)});
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    private static void writeElement(ByteArrayOutputStream out, int tag, byte[] v) {
        int len = v.length;
        out.write(tag >> 16);
        out.write(tag >> 24);
        out.write(tag);
        out.write(tag >> 8);
        out.write(len);
        out.write(len >> 8);
        out.write(len >> 16);
        out.write(len >> 24);
        out.write(v, 0, len);
    }

    static Command decode(byte[] b, int length) {
        Command c = new Command();
        int pos = 0;
        while (pos < length) {
            if (length - pos < 8) {
                throw new DicomProtocolException("command set truncated inside an element header at byte " + pos, 6);
            }
            int group = (b[pos] & 0xFF) | (b[pos + 1] & 0xFF) << 8;
            int elem = (b[pos + 2] & 0xFF) | (b[pos + 3] & 0xFF) << 8;
            long len = ((b[pos + 4] & 0xFFL) | (b[pos + 5] & 0xFFL) << 8 | (b[pos + 6] & 0xFFL) << 16
                    | (b[pos + 7] & 0xFFL) << 24);
            pos += 8;
            if (group != 0) {
                throw new DicomProtocolException(String.format("command set holds (%04X,%04X), outside group 0000",
                        group, elem), 6);
            }
            if (len > length - pos) {
                throw new DicomProtocolException(String.format("command element (0000,%04X) length %d exceeds the"
                        + " %d bytes left", elem, len, length - pos), 6);
            }
            byte[] v = new byte[(int) len];
            System.arraycopy(b, pos, v, 0, (int) len);
            pos += (int) len;
            if (elem != 0) {
                c.values.put(elem, v);
            }
        }
        return c;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Command[");
        values.forEach((k, v) -> sb.append(String.format("(0000,%04X)%d ", k, v.length)));
        return sb.append(']').toString();
    }
}
