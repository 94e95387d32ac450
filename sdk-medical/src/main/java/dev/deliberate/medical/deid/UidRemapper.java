package dev.deliberate.medical.deid;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Replaces UIDs deterministically: {@code 2.25.<decimal of the first 128 bits of HMAC-SHA256(salt, uid)>}, a UUID-
 * derived UID (PS3.5 B.2) that is at most 44 characters long. The same salt maps the same UID to the same
 * replacement in every file and every run; without the salt the original cannot be recovered. Thread-safe.
 */
public final class UidRemapper {
    private final byte[] salt;

    /**
     * @param salt the secret (copied; at least {@link DeidentificationPolicy#MIN_SALT_BYTES} bytes)
     */
    public UidRemapper(byte[] salt) {
        if (salt.length < DeidentificationPolicy.MIN_SALT_BYTES) {
            throw new IllegalArgumentException("salt must have at least " + DeidentificationPolicy.MIN_SALT_BYTES
                    + " bytes");
        }
        this.salt = salt.clone();
    }

    /**
     * The replacement for a UID (padding and surrounding spaces ignored).
     *
     * @throws IllegalArgumentException when the UID is empty
     */
    public String remap(String uid) {
        String u = uid.strip();
        while (u.endsWith("\0")) {
            u = u.substring(0, u.length() - 1);
        }
        if (u.isEmpty()) {
            throw new IllegalArgumentException("empty UID");
        }
        byte[] h = hmac("uid:" + u);
        return "2.25." + new BigInteger(1, Arrays.copyOf(h, 16)).toString();
    }

    /** HMAC-SHA256 of a label under the salt; used also for the date shift. */
    byte[] hmac(String label) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(salt, "HmacSHA256"));
            return mac.doFinal(label.getBytes(StandardCharsets.UTF_8));
        } catch (InvalidKeyException e) {
            throw new IllegalStateException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every Java platform", e);
        }
    }
}
