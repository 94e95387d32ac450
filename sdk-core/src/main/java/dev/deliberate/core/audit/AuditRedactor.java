package dev.deliberate.core.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * Decides what of a request's and a result's text reaches the audit trail. Every message, thinking, answer and
 * critique text (and every string value inside a JSON answer) goes through it before it is written; keys, numbers,
 * booleans and provenance do not. The medical module plugs in its PHI redaction here.
 */
@FunctionalInterface
public interface AuditRedactor {

    /** Which kind of text is being written. */
    enum Part {
        /** A message of the request (system, user or earlier assistant turn). */
        PROMPT,
        /** A model's thinking. */
        THINKING,
        /** A model's answer (text, or a string value inside a JSON answer). */
        ANSWER,
        /** A reviewer's critique or an error message. */
        CRITIQUE
    }

    /**
     * Returns the text to write in place of {@code text}.
     *
     * @param part what the text is
     * @param text the text, never null
     */
    String redact(Part part, String text);

    /** Writes everything as it is. */
    static AuditRedactor none() {
        return (part, text) -> text;
    }

    /**
     * Writes {@code sha256:<hex>} of each text in place of the text: the trail proves what was asked and answered
     * (anyone holding the text can check it) without holding the text itself.
     */
    static AuditRedactor digest() {
        return (part, text) -> "sha256:" + sha256(text);
    }

    /** Writes the digest in place of the given parts, the rest as it is. */
    static AuditRedactor digesting(Part first, Part... more) {
        Set<Part> parts = EnumSet.of(first, more);
        return (part, text) -> parts.contains(part) ? "sha256:" + sha256(text) : text;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
