package dev.deliberate.medical.net;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;

/**
 * One TCP connection speaking the upper layer: bounded PDU reading, P-DATA PDV iteration and reassembly, fragmenting
 * output, release and abort. Used by one thread at a time. Internal: not API.
 */
final class Link implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream raw;
    /** Buffers the PDUs of one message so a command and its dataset leave in as few segments as possible. */
    private OutputStream out;
    final String peer;

    /** Our announced limit for incoming P-DATA PDUs. */
    int maxReceive;
    /** The limit for our outgoing PDUs (peer's announced limit, capped by ours); see {@link #maxSend(int)}. */
    int maxSend = 16384;
    /** The socket read timeout in use now. */
    private int timeoutMillis;
    private String waitingFor = "a PDU";

    private byte[] body = new byte[8192];
    private byte[] sendBuffer;
    private int bodyLength;
    private int pos;
    private boolean inPData;
    private volatile boolean closed;
    /** Set by an acceptor while it waits for the next request, so a closing server can end idle associations. */
    volatile boolean idle;

    // the current PDV
    int pdvContext;
    int pdvControl;
    int pdvOffset;
    int pdvLength;

    Link(Socket socket, int maxReceive) throws IOException {
        this.socket = socket;
        socket.setTcpNoDelay(true);
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
        this.raw = socket.getOutputStream();
        this.out = raw;
        this.maxReceive = maxReceive;
        this.peer = socket.getInetAddress().getHostAddress() + ":" + socket.getPort();
    }

    /** Sets the outgoing PDU limit negotiated. */
    void maxSend(int max) {
        maxSend = max;
        out = new java.io.BufferedOutputStream(raw, max + 6 + 1024);
    }

    void timeout(int millis, String waitingFor) throws SocketException {
        if (millis != timeoutMillis) {
            socket.setSoTimeout(millis);
            timeoutMillis = millis;
        }
        this.waitingFor = waitingFor;
    }

    /** The PDU's type, its body in {@link #body()} up to {@link #bodyLength()}. */
    int readPdu() throws IOException {
        int type;
        long length;
        try {
            type = in.read();
            if (type < 0) {
                throw new AssociationAbortedException("connection closed by " + peer + " while waiting for "
                        + waitingFor, -1, 0);
            }
            in.readUnsignedByte();
            length = in.readInt() & 0xFFFFFFFFL;
        } catch (EOFException e) {
            throw new AssociationAbortedException("connection closed by " + peer + " inside a PDU header", -1, 0);
        } catch (SocketTimeoutException e) {
            throw timedOut();
        } catch (IOException e) {
            throw broken(e);
        }
        long limit = switch (type) {
            case Pdus.P_DATA -> maxReceive;
            case Pdus.ASSOCIATE_RQ, Pdus.ASSOCIATE_AC -> Pdus.MAX_ASSOCIATE_LENGTH;
            case Pdus.ASSOCIATE_RJ, Pdus.RELEASE_RQ, Pdus.RELEASE_RP, Pdus.ABORT -> 4;
            default -> -1;
        };
        if (limit < 0) {
            throw protocol(String.format("unrecognized PDU type 0x%02X from %s", type, peer), 1);
        }
        if (length > limit || (limit == 4 && length != 4)) {
            throw protocol(String.format("PDU type %d from %s has length %d; %s %d", type, peer, length,
                    limit == 4 ? "it must be" : "the negotiated maximum is", limit), 6);
        }
        if (body.length < length) {
            body = new byte[(int) Math.max(length, Math.min((long) body.length * 2, limit))];
        }
        try {
            in.readFully(body, 0, (int) length);
        } catch (EOFException e) {
            throw new AssociationAbortedException("connection closed by " + peer + " inside a PDU of " + length
                    + " bytes", -1, 0);
        } catch (SocketTimeoutException e) {
            throw timedOut();
        } catch (IOException e) {
            throw broken(e);
        }
        bodyLength = (int) length;
        pos = 0;
        inPData = type == Pdus.P_DATA;
        if (type == Pdus.ABORT) {
            int source = body[2] & 0xFF;
            int reason = body[3] & 0xFF;
            closeQuietly();
            throw new AssociationAbortedException("association aborted by " + (source == 2 ? "the service provider"
                    + " at " : "") + peer + " (source " + source + ", reason " + reason + ")", source, reason);
        }
        return type;
    }

    byte[] body() {
        return body;
    }

    int bodyLength() {
        return bodyLength;
    }

    /**
     * Advances to the next PDV, reading a new P-DATA PDU when the current one is used up.
     *
     * @return false when an A-RELEASE-RQ arrived instead and {@code releaseAllowed}
     */
    boolean nextPdv(boolean releaseAllowed) throws IOException {
        while (!inPData || pos >= bodyLength) {
            int type = readPdu();
            if (type == Pdus.RELEASE_RQ && releaseAllowed) {
                return false;
            }
            if (type != Pdus.P_DATA) {
                throw protocol("unexpected PDU type " + type + " from " + peer + " while waiting for " + waitingFor,
                        2);
            }
        }
        if (bodyLength - pos < 6) {
            throw protocol("PDV item header truncated in a P-DATA PDU from " + peer, 6);
        }
        long len = ((body[pos] & 0xFFL) << 24) | ((body[pos + 1] & 0xFFL) << 16) | ((body[pos + 2] & 0xFFL) << 8)
                | (body[pos + 3] & 0xFFL);
        if (len < 2 || len > bodyLength - pos - 4) {
            throw protocol("PDV item length " + len + " from " + peer + " does not fit its P-DATA PDU ("
                    + (bodyLength - pos - 4) + " bytes left)", 6);
        }
        pdvContext = body[pos + 4] & 0xFF;
        pdvControl = body[pos + 5] & 0xFF;
        pdvOffset = pos + 6;
        pdvLength = (int) len - 2;
        pos += 4 + (int) len;
        return true;
    }

    boolean pdvIsCommand() {
        return (pdvControl & 1) != 0;
    }

    boolean pdvIsLast() {
        return (pdvControl & 2) != 0;
    }

    /** Reads a complete command (all command fragments); empty when the peer asked to release instead. */
    java.util.Optional<int[]> readCommandInto(ByteArrayOutputStream sink, boolean releaseAllowed)
            throws IOException {
        int context = -1;
        while (true) {
            if (!nextPdv(releaseAllowed && context < 0)) {
                return java.util.Optional.empty();
            }
            if (!pdvIsCommand()) {
                throw protocol("data PDV from " + peer + " where a command was expected", 6);
            }
            if (context >= 0 && pdvContext != context) {
                throw protocol("command fragments from " + peer + " switch presentation context", 6);
            }
            context = pdvContext;
            if (sink.size() + pdvLength > Command.MAX_LENGTH) {
                throw protocol("command set from " + peer + " exceeds " + Command.MAX_LENGTH + " bytes", 6);
            }
            sink.write(body, pdvOffset, pdvLength);
            if (pdvIsLast()) {
                return java.util.Optional.of(new int[] {context});
            }
        }
    }

    /** Where incoming dataset fragments go. */
    interface DataSink {
        void accept(byte[] b, int off, int len) throws IOException;
    }

    /**
     * Reads the dataset fragments of the message whose command came on {@code context}, at most {@code max} bytes.
     *
     * @return the number of bytes read
     */
    long readDataset(int context, long max, DataSink sink) throws IOException {
        long total = 0;
        while (true) {
            nextPdv(false);
            if (pdvIsCommand()) {
                throw protocol("command PDV from " + peer + " inside a dataset", 6);
            }
            if (pdvContext != context) {
                throw protocol("dataset PDV from " + peer + " on context " + pdvContext + ", command was on "
                        + context, 6);
            }
            total += pdvLength;
            if (total > max) {
                throw protocol("dataset from " + peer + " exceeds the limit of " + max + " bytes", 6);
            }
            sink.accept(body, pdvOffset, pdvLength);
            if (pdvIsLast()) {
                return total;
            }
        }
    }

    /** Reads a dataset into memory. */
    byte[] readDatasetBytes(int context, long max) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        readDataset(context, max, b::write);
        return b.toByteArray();
    }

    /** An output stream that sends what is written as PDVs of one message part, fragmented to {@link #maxSend}. */
    final class PdvOutput extends OutputStream {
        private final byte[] buf;
        private final int context;
        private final int control;
        private final boolean flushAtEnd;
        private int n = 12;

        PdvOutput(int context, boolean command) {
            this(context, command, true);
        }

        PdvOutput(int context, boolean command, boolean flushAtEnd) {
            this.context = context;
            this.control = command ? 1 : 0;
            this.flushAtEnd = flushAtEnd;
            if (sendBuffer == null || sendBuffer.length != maxSend + 6) {
                sendBuffer = new byte[maxSend + 6]; // one per association, reused message after message
            }
            this.buf = sendBuffer;
        }

        @Override
        public void write(int b) throws IOException {
            if (n == buf.length) {
                emit(false);
            }
            buf[n++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (n == buf.length) {
                    emit(false);
                }
                int k = Math.min(len, buf.length - n);
                System.arraycopy(b, off, buf, n, k);
                n += k;
                off += k;
                len -= k;
            }
        }

        /** Reads everything from a stream into PDVs. */
        void copyFrom(InputStream src) throws IOException {
            while (true) {
                if (n == buf.length) {
                    emit(false);
                }
                int k = src.read(buf, n, buf.length - n);
                if (k < 0) {
                    return;
                }
                n += k;
            }
        }

        private void emit(boolean last) throws IOException {
            int pdv = n - 12 + 2;
            int pdu = pdv + 4;
            buf[0] = Pdus.P_DATA;
            buf[1] = 0;
            putInt(buf, 2, pdu);
            putInt(buf, 6, pdv);
            buf[10] = (byte) context;
            buf[11] = (byte) (control | (last ? 2 : 0));
            writePdu(buf, 0, n, last && flushAtEnd);
            n = 12;
        }

        /** Sends the rest as the last fragment. */
        @Override
        public void close() throws IOException {
            emit(true);
        }
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    private void writePdu(byte[] b, int off, int len, boolean flush) throws IOException {
        try {
            out.write(b, off, len);
            if (flush) {
                out.flush();
            }
        } catch (SocketTimeoutException e) {
            throw timedOut();
        } catch (IOException e) {
            closeQuietly();
            throw new DicomNetworkException("sending to " + peer + " failed: " + e.getMessage(), e);
        }
    }

    void send(byte[] pdu) throws IOException {
        writePdu(pdu, 0, pdu.length, true);
    }

    /** Sends a command set as one message part, sent at once. */
    void sendCommand(int context, Command c) throws IOException {
        sendCommand(context, c, false);
    }

    /**
     * Sends a command set.
     *
     * @param datasetFollows when true the command stays buffered until the dataset's last fragment is written
     */
    void sendCommand(int context, Command c, boolean datasetFollows) throws IOException {
        try (PdvOutput o = new PdvOutput(context, true, !datasetFollows)) {
            o.write(c.encode());
        }
    }

    /** Sends A-ABORT (best effort) and closes. */
    void abort(int source, int reason) {
        if (!closed) {
            try {
                raw.write(Pdus.abort(source, reason)); // buffered PDUs of an unfinished message are dropped
            } catch (IOException ignored) {
                // the peer is gone already
            }
        }
        closeQuietly();
    }

    private DicomNetworkException broken(IOException e) {
        closeQuietly();
        return new AssociationAbortedException("connection to " + peer + " broke while waiting for " + waitingFor
                + ": " + e.getMessage(), -1, 0);
    }

    private DicomTimeoutException timedOut() {
        abort(2, 0);
        return new DicomTimeoutException("no data from " + peer + " for " + timeoutMillis + " ms while waiting for "
                + waitingFor + "; association aborted");
    }

    private DicomProtocolException protocol(String message, int reason) {
        abort(2, reason);
        return new DicomProtocolException(message + "; association aborted", reason);
    }

    /** Aborts with the provider reason of a protocol violation found above this layer. */
    DicomProtocolException violation(DicomProtocolException e) {
        abort(2, e.abortReason());
        return e;
    }

    boolean isClosed() {
        return closed;
    }

    void closeQuietly() {
        closed = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public void close() {
        closeQuietly();
    }

}
