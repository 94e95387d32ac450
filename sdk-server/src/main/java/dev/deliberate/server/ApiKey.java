package dev.deliberate.server;

import dev.deliberate.core.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * The secret a client must send as {@code Authorization: Bearer KEY}. Only the key's SHA-256 digest is kept, keys are
 * compared in constant time (the digests, so not even the length leaks), and {@link #toString()} never shows it.
 */
public final class ApiKey {

    private static final int MAX_LENGTH = 4096;

    private final byte[] digest;

    private ApiKey(byte[] digest) {
        this.digest = digest;
    }

    /**
     * A key from its text.
     *
     * @throws InvalidRequestException when the key is empty, longer than 4096 characters, or holds white space or
     *                                 control characters (it could not be sent in an HTTP header)
     */
    public static ApiKey of(String secret) {
        Objects.requireNonNull(secret, "secret");
        if (secret.isEmpty() || secret.length() > MAX_LENGTH) {
            throw new InvalidRequestException("an API key must have 1 to " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < secret.length(); i++) {
            char c = secret.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                throw new InvalidRequestException("an API key must be printable ASCII without spaces");
            }
        }
        return new ApiKey(sha256(secret));
    }

    /** Whether {@code presented} is this key; takes the same time whatever it is. */
    public boolean matches(String presented) {
        Objects.requireNonNull(presented, "presented");
        return MessageDigest.isEqual(digest, sha256(presented));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** Never the key. */
    @Override
    public String toString() {
        return "ApiKey[redacted]";
    }
}
