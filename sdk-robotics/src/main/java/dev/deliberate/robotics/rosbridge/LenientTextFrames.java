package dev.deliberate.robotics.rosbridge;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.enums.Opcode;
import org.java_websocket.extensions.DefaultExtension;
import org.java_websocket.extensions.IExtension;
import org.java_websocket.framing.Framedata;
import org.java_websocket.framing.FramedataImpl1;
import org.java_websocket.protocols.Protocol;

/**
 * Keeps a text frame with invalid UTF-8 from closing the connection. RFC 6455 says to fail the connection, which
 * Java-WebSocket does (close code 1007, with a stack trace in the log); a robot's bridge connection should not drop
 * for one bad frame. This "extension" (it negotiates nothing; it stands in for the library's default one) sees every
 * complete frame before the library checks it: a single-frame text message that is not valid UTF-8 is decoded with
 * U+FFFD replacements and handed on prefixed with {@link #MARKER}, which no JSON text can start with, so that the node
 * logs one line and answers a goal it can still recognise. Fragmented text messages are left to the library (rosbridge
 * does not fragment).
 *
 * <p>Java-WebSocket consults a negotiated extension only for frames with RSV bits; plain frames go through its private
 * default extension, which {@link #draft} replaces by reflection. Should a later library version rename that field,
 * the draft works as before (invalid UTF-8 closes the connection with 1007) and a debug line says so.
 */
final class LenientTextFrames extends DefaultExtension {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LenientTextFrames.class);

    /** A WebSocket draft (RFC 6455, no extensions negotiated) whose text frames go through this extension. */
    static Draft_6455 draft(int maxFrameBytes) {
        return new LenientDraft(maxFrameBytes);
    }

    private static final class LenientDraft extends Draft_6455 {
        LenientDraft(int maxFrameBytes) {
            super(java.util.List.of(), java.util.List.of(new Protocol("")), maxFrameBytes);
            try {
                java.lang.reflect.Field f = Draft_6455.class.getDeclaredField("defaultExtension");
                f.setAccessible(true);
                f.set(this, new LenientTextFrames());
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.debug("cannot install lenient text frames ({}); invalid UTF-8 will close the connection",
                        e.toString());
            }
        }

        @Override
        public org.java_websocket.drafts.Draft copyInstance() {
            return new LenientDraft(getMaxFrameSize());
        }
    }

    /** Prefix of a text frame that was repaired: NUL cannot start a JSON text. */
    static final String MARKER = "\u0000invalid-utf8\u0000";

    @Override
    public void decodeFrame(Framedata frame) {
        if (frame.getOpcode() != Opcode.TEXT || !frame.isFin() || !(frame instanceof FramedataImpl1 data)) {
            return;
        }
        ByteBuffer payload = frame.getPayloadData();
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(payload.duplicate());
        } catch (CharacterCodingException invalid) {
            ByteBuffer copy = payload.duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            String lenient = new String(bytes, StandardCharsets.UTF_8); // malformed input becomes U+FFFD
            data.setPayload(StandardCharsets.UTF_8.encode(CharBuffer.wrap(MARKER + lenient)));
        }
    }

    @Override
    public IExtension copyInstance() {
        return new LenientTextFrames();
    }

    @Override
    public String toString() {
        return "LenientTextFrames";
    }
}
