package dev.deliberate.medical.net;

import dev.deliberate.medical.dicom.DicomWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Encoding and bounded decoding of the association PDUs (PS3.8 9.3.2-9.3.4) and their items. Internal: not API.
 */
final class Pdus {
    static final int ASSOCIATE_RQ = 1;
    static final int ASSOCIATE_AC = 2;
    static final int ASSOCIATE_RJ = 3;
    static final int P_DATA = 4;
    static final int RELEASE_RQ = 5;
    static final int RELEASE_RP = 6;
    static final int ABORT = 7;

    /** Largest A-ASSOCIATE-RQ/AC accepted: 128 contexts with many transfer syntaxes fit easily. */
    static final int MAX_ASSOCIATE_LENGTH = 1024 * 1024;

    private Pdus() {}

    /**
     * Fields common to the decoded A-ASSOCIATE-RQ and -AC. {@code operationsInvoked} is the asynchronous operations
     * window's Maximum-number-operations-invoked (0: unlimited), or -1 when the sub-item is absent (synchronous).
     */
    record Associate(String called, String calling, String applicationContext, List<PresentationContext> proposed,
            List<int[]> results, List<String> resultSyntaxes, List<RoleSelection> roles, long maxPduLength,
            String implementationClassUid, String implementationVersionName, int operationsInvoked) {}

    /**
     * An A-ASSOCIATE-RQ. With {@code maxOperations} above 1 it carries an asynchronous operations window asking to
     * invoke that many operations at once and offering to perform one (this side never performs operations
     * asynchronously).
     */
    static byte[] associateRq(AssociationRequest rq, int maxPduLength, int maxOperations) {
        ByteArrayOutputStream items = new ByteArrayOutputStream();
        item(items, 0x10, ascii(Uids.APPLICATION_CONTEXT));
        for (PresentationContext pc : rq.contexts()) {
            ByteArrayOutputStream sub = new ByteArrayOutputStream();
            sub.write(pc.id());
            sub.write(0);
            sub.write(0);
            sub.write(0);
            item(sub, 0x30, ascii(pc.abstractSyntax()));
            for (String ts : pc.transferSyntaxes()) {
                item(sub, 0x40, ascii(ts));
            }
            item(items, 0x20, sub.toByteArray());
        }
        item(items, 0x50, userInfo(maxPduLength, maxOperations, rq.roles()));
        return pdu(ASSOCIATE_RQ, header(rq.called().value(), rq.calling().value(), items.toByteArray()));
    }

    /**
     * An A-ASSOCIATE-AC. When the request asked for an asynchronous operations window and {@code maxOperations} is
     * above 1, the answer lets the requester invoke the smaller of the two (PS3.7 D.3.3.3: never more than it asked)
     * and performs one at a time.
     */
    static byte[] associateAc(Associate rq, List<NegotiatedContext> results, List<RoleSelection> roles,
            int maxPduLength, int maxOperations) {
        ByteArrayOutputStream items = new ByteArrayOutputStream();
        item(items, 0x10, ascii(Uids.APPLICATION_CONTEXT));
        for (NegotiatedContext nc : results) {
            ByteArrayOutputStream sub = new ByteArrayOutputStream();
            sub.write(nc.id());
            sub.write(0);
            sub.write(nc.result());
            sub.write(0);
            // PS3.8 9.3.3.2: the transfer syntax sub-item is present but not significant when rejected
            item(sub, 0x40, ascii(nc.accepted() ? nc.transferSyntax() : ""));
            item(items, 0x21, sub.toByteArray());
        }
        item(items, 0x50, userInfo(maxPduLength, window(rq.operationsInvoked(), maxOperations), roles));
        return pdu(ASSOCIATE_AC, header(rq.called(), rq.calling(), items.toByteArray()));
    }

    /**
     * The operations window one side may use, from what the other side's sub-item said ({@code offered}: -1 absent,
     * 0 unlimited, else a count) and this side's own limit: 1 (synchronous) when either is absent or 1, else the
     * smaller of the two. The acceptor grants this, and the requester takes it from the answer.
     */
    static int window(int offered, int limit) {
        return offered < 0 || limit <= 1 ? 1 : offered == 0 ? limit : Math.min(offered, limit);
    }

    static byte[] associateRj(int result, int source, int reason) {
        return pdu(ASSOCIATE_RJ, new byte[] {0, (byte) result, (byte) source, (byte) reason});
    }

    static byte[] releaseRq() {
        return pdu(RELEASE_RQ, new byte[4]);
    }

    static byte[] releaseRp() {
        return pdu(RELEASE_RP, new byte[4]);
    }

    static byte[] abort(int source, int reason) {
        return pdu(ABORT, new byte[] {0, 0, (byte) source, (byte) reason});
    }

    private static byte[] userInfo(int maxPduLength, int operationsInvoked, List<RoleSelection> roles) {
        ByteArrayOutputStream ui = new ByteArrayOutputStream();
        item(ui, 0x51, new byte[] {(byte) (maxPduLength >>> 24), (byte) (maxPduLength >>> 16),
                (byte) (maxPduLength >>> 8), (byte) maxPduLength});
        item(ui, 0x52, ascii(DicomWriter.IMPLEMENTATION_CLASS_UID));
        if (operationsInvoked > 1) {
            // asynchronous operations window (PS3.7 D.3.3.3): invoked, then performed (1: one at a time)
            item(ui, 0x53, new byte[] {(byte) (operationsInvoked >>> 8), (byte) operationsInvoked, 0, 1});
        }
        for (RoleSelection r : roles) {
            byte[] uid = ascii(r.sopClassUid());
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.write(uid.length >> 8);
            b.write(uid.length);
            b.write(uid, 0, uid.length);
            b.write(r.scu() ? 1 : 0);
            b.write(r.scp() ? 1 : 0);
            item(ui, 0x54, b.toByteArray());
        }
        item(ui, 0x55, ascii(DicomWriter.IMPLEMENTATION_VERSION_NAME));
        return ui.toByteArray();
    }

    private static byte[] header(String called, String calling, byte[] items) {
        byte[] b = new byte[68 + items.length];
        b[1] = 1; // protocol version 1
        pad(called, b, 4);
        pad(calling, b, 20);
        System.arraycopy(items, 0, b, 68, items.length);
        return b;
    }

    private static void pad(String ae, byte[] b, int off) {
        byte[] a = ascii(ae);
        for (int i = 0; i < 16; i++) {
            b[off + i] = i < a.length ? a[i] : (byte) ' ';
        }
    }

    private static void item(ByteArrayOutputStream out, int type, byte[] value) {
        out.write(type);
        out.write(0);
        out.write(value.length >> 8);
        out.write(value.length);
        out.write(value, 0, value.length);
    }

    private static byte[] pdu(int type, byte[] body) {
        byte[] b = new byte[6 + body.length];
        b[0] = (byte) type;
        int n = body.length;
        b[2] = (byte) (n >>> 24);
        b[3] = (byte) (n >>> 16);
        b[4] = (byte) (n >>> 8);
        b[5] = (byte) n;
        System.arraycopy(body, 0, b, 6, n);
        return b;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Decodes the variable part of an A-ASSOCIATE-RQ or -AC. Every item length is checked against its container.
     *
     * @param ac whether this is an AC (presentation context items 0x21) or an RQ (0x20)
     */
    static Associate decodeAssociate(byte[] b, int length, boolean ac) {
        if (length < 68) {
            throw bad("A-ASSOCIATE " + (ac ? "AC" : "RQ") + " of " + length + " bytes is shorter than its 68-byte"
                    + " fixed part");
        }
        int version = u16(b, 0);
        if ((version & 1) == 0) {
            throw new DicomProtocolException("protocol version field " + version + " lacks version 1", 6);
        }
        String called = text(b, 4, 16);
        String calling = text(b, 20, 16);
        String appContext = "";
        List<PresentationContext> proposed = new ArrayList<>();
        List<int[]> results = new ArrayList<>();
        List<String> resultSyntaxes = new ArrayList<>();
        List<RoleSelection> roles = new ArrayList<>();
        long maxPdu = 0;
        String implUid = "";
        String implVersion = "";
        int opsInvoked = -1;
        boolean sawUserInfo = false;
        int pos = 68;
        while (pos < length) {
            int[] it = itemAt(b, pos, length);
            int type = it[0];
            int start = pos + 4;
            int end = start + it[1];
            switch (type) {
                case 0x10 -> appContext = text(b, start, it[1]);
                case 0x20, 0x21 -> {
                    if ((type == 0x21) != ac) {
                        throw new DicomProtocolException(String.format("presentation context item 0x%02X in an %s",
                                type, ac ? "A-ASSOCIATE-AC" : "A-ASSOCIATE-RQ"), 5);
                    }
                    if (it[1] < 4) {
                        throw bad("presentation context item of " + it[1] + " bytes");
                    }
                    int id = b[start] & 0xFF;
                    int result = b[start + 2] & 0xFF;
                    String abs = "";
                    List<String> tss = new ArrayList<>();
                    int p = start + 4;
                    while (p < end) {
                        int[] sub = itemAt(b, p, end);
                        String v = text(b, p + 4, sub[1]);
                        if (sub[0] == 0x30) {
                            abs = v;
                        } else if (sub[0] == 0x40) {
                            tss.add(v);
                        } else {
                            throw new DicomProtocolException(String.format("unknown presentation context sub-item"
                                    + " 0x%02X", sub[0]), 4);
                        }
                        p += 4 + sub[1];
                    }
                    if (ac) {
                        results.add(new int[] {id, result});
                        resultSyntaxes.add(tss.isEmpty() ? "" : tss.get(0));
                    } else {
                        if (id % 2 == 0 || !Uids.isValid(abs) || tss.isEmpty()) {
                            throw bad("presentation context " + id + " is malformed (id even, abstract syntax '"
                                    + abs + "', " + tss.size() + " transfer syntaxes)");
                        }
                        for (String ts : tss) {
                            if (!Uids.isValid(ts)) {
                                throw bad("presentation context " + id + " has transfer syntax '" + ts + "'");
                            }
                        }
                        proposed.add(new PresentationContext(id, abs, tss));
                    }
                }
                case 0x50 -> {
                    sawUserInfo = true;
                    int p = start;
                    while (p < end) {
                        int[] sub = itemAt(b, p, end);
                        int s = p + 4;
                        switch (sub[0]) {
                            case 0x51 -> {
                                if (sub[1] != 4) {
                                    throw bad("maximum length sub-item of " + sub[1] + " bytes");
                                }
                                maxPdu = ((b[s] & 0xFFL) << 24) | ((b[s + 1] & 0xFFL) << 16)
                                        | ((b[s + 2] & 0xFFL) << 8) | (b[s + 3] & 0xFFL);
                            }
                            case 0x52 -> implUid = text(b, s, sub[1]);
                            case 0x55 -> implVersion = text(b, s, sub[1]);
                            case 0x53 -> {
                                if (sub[1] != 4) {
                                    throw bad("asynchronous operations window sub-item of " + sub[1] + " bytes");
                                }
                                opsInvoked = u16(b, s);
                            }
                            case 0x54 -> {
                                if (sub[1] < 4) {
                                    throw bad("role selection sub-item of " + sub[1] + " bytes");
                                }
                                int ul = u16(b, s);
                                if (ul + 4 != sub[1]) {
                                    throw bad("role selection UID length " + ul + " does not match the item");
                                }
                                String uid = text(b, s + 2, ul);
                                if (Uids.isValid(uid)) {
                                    roles.add(new RoleSelection(uid, b[s + 2 + ul] != 0, b[s + 3 + ul] != 0));
                                }
                            }
                            default -> {
                                // extended negotiation, user identity: not negotiated; PS3.7 D.3.3 lets the
                                // acceptor ignore them
                            }
                        }
                        p += 4 + sub[1];
                    }
                }
                default -> throw new DicomProtocolException(String.format("unknown A-ASSOCIATE item type 0x%02X",
                        type), 4);
            }
            pos = end;
        }
        if (!sawUserInfo) {
            throw bad("A-ASSOCIATE without the mandatory user information item");
        }
        return new Associate(called, calling, appContext, proposed, results, resultSyntaxes, roles, maxPdu, implUid,
                implVersion, opsInvoked);
    }

    /** Type and length of the item at {@code pos}, checked to end within {@code end}. */
    private static int[] itemAt(byte[] b, int pos, int end) {
        if (end - pos < 4) {
            throw bad("item header truncated at byte " + pos);
        }
        int type = b[pos] & 0xFF;
        int len = u16(b, pos + 2);
        if (len > end - pos - 4) {
            throw bad(String.format("item 0x%02X claims %d bytes but only %d remain", type, len, end - pos - 4));
        }
        return new int[] {type, len};
    }

    private static int u16(byte[] b, int off) {
        return (b[off] & 0xFF) << 8 | (b[off + 1] & 0xFF);
    }

    private static String text(byte[] b, int off, int len) {
        int end = off + len;
        while (end > off && (b[end - 1] == 0 || b[end - 1] == ' ')) {
            end--;
        }
        int start = off;
        while (start < end && b[start] == ' ') {
            start++;
        }
        return new String(b, start, end - start, StandardCharsets.ISO_8859_1);
    }

    private static DicomProtocolException bad(String message) {
        return new DicomProtocolException(message, 6);
    }

    /** Results of an AC by context id, mapped back to the proposals. */
    static List<NegotiatedContext> negotiated(AssociationRequest rq, Associate ac) {
        Map<Integer, int[]> byId = new HashMap<>();
        Map<Integer, String> tsById = new HashMap<>();
        for (int i = 0; i < ac.results().size(); i++) {
            byId.put(ac.results().get(i)[0], ac.results().get(i));
            tsById.put(ac.results().get(i)[0], ac.resultSyntaxes().get(i));
        }
        List<NegotiatedContext> out = new ArrayList<>();
        for (PresentationContext pc : rq.contexts()) {
            int[] r = byId.get(pc.id());
            if (r == null) {
                out.add(new NegotiatedContext(pc.id(), pc.abstractSyntax(), 2, ""));
                continue;
            }
            int result = r[1] <= 4 ? r[1] : 2;
            String ts = tsById.get(pc.id());
            if (result == 0 && !pc.transferSyntaxes().contains(ts)) {
                throw new DicomProtocolException("acceptor chose transfer syntax '" + ts + "' for context " + pc.id()
                        + ", which was not proposed", 6);
            }
            out.add(new NegotiatedContext(pc.id(), pc.abstractSyntax(), result, result == 0 ? ts : ""));
        }
        return out;
    }
}
