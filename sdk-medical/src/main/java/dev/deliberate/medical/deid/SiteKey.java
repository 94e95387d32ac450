package dev.deliberate.medical.deid;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;

/**
 * A site's persistent de-identification secret, kept in a key file so that instances of one study that arrive in
 * separate runs (or on separate days, over the network) get the same replacement UIDs and the same date shift.
 *
 * <p>The file holds {@value #KEY_BYTES} random bytes as one line of hex. {@link #loadOrCreate(Path)} creates it on
 * first use with owner-only permissions (0600, set atomically at creation on POSIX file systems) and afterwards
 * refuses a key file that others can read or write. Whoever has the key can test a guessed original UID against a
 * replacement: back it up like a password. {@link #toString()} never shows it.
 */
public final class SiteKey {
    /** Bytes of a newly created key. */
    public static final int KEY_BYTES = 32;

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final byte[] key;

    private SiteKey(byte[] key) {
        this.key = key;
    }

    /** A key from bytes (copied; at least {@link DeidentificationPolicy#MIN_SALT_BYTES}). */
    public static SiteKey of(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length < DeidentificationPolicy.MIN_SALT_BYTES) {
            throw new IllegalArgumentException("a site key needs at least " + DeidentificationPolicy.MIN_SALT_BYTES
                    + " bytes");
        }
        return new SiteKey(key.clone());
    }

    /**
     * Reads the key file, or creates it with a new random key (permissions 0600) when it does not exist.
     *
     * @throws DeidentificationException when the file is readable or writable by group or others, or malformed
     * @throws IOException               when it cannot be read or created
     */
    public static SiteKey loadOrCreate(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        if (!Files.exists(file)) {
            byte[] k = new byte[KEY_BYTES];
            new SecureRandom().nextBytes(k);
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            byte[] line = (HexFormat.of().formatHex(k) + "\n").getBytes(StandardCharsets.US_ASCII);
            try {
                if (posix(parent)) {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                } else {
                    Files.createFile(file);
                }
                Files.write(file, line, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.SYNC);
                return new SiteKey(k);
            } catch (FileAlreadyExistsException raced) {
                // another process created it first: use theirs
            }
        }
        return load(file);
    }

    /**
     * Reads an existing key file.
     *
     * @throws DeidentificationException when the file is readable or writable by group or others, or malformed
     * @throws IOException               when it cannot be read
     */
    public static SiteKey load(Path file) throws IOException {
        if (posix(file)) {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            if (p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.GROUP_WRITE)
                    || p.contains(PosixFilePermission.OTHERS_READ) || p.contains(PosixFilePermission.OTHERS_WRITE)) {
                throw new DeidentificationException("key file " + file + " is accessible to group or others ("
                        + PosixFilePermissions.toString(p) + "); restrict it with chmod 600");
            }
        }
        if (Files.size(file) > 1024) {
            throw new DeidentificationException("key file " + file + " is larger than a key file can be");
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        byte[] k;
        try {
            k = HexFormat.of().parseHex(text);
        } catch (IllegalArgumentException e) {
            throw new DeidentificationException("key file " + file + " does not hold one line of hex digits");
        }
        if (k.length < 16) {
            throw new DeidentificationException("key file " + file + " holds " + k.length
                    + " bytes; at least 16 are needed");
        }
        return new SiteKey(k);
    }

    private static boolean posix(Path p) {
        Path at = p == null ? Path.of(".") : p;
        try {
            return Files.getFileStore(Files.exists(at) ? at : at.toAbsolutePath().getParent())
                    .supportsFileAttributeView("posix");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The key bytes (a copy). */
    public byte[] bytes() {
        return key.clone();
    }

    /** A short fingerprint (16 hex digits of SHA-256 of a label and the key) that tells keys apart, not the key. */
    public String fingerprint() {
        return fingerprint(key);
    }

    /** The fingerprint of any secret (a salt given another way), as {@link #fingerprint()}. */
    public static String fingerprint(byte[] secret) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update("deliberate-site-key-fingerprint".getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(md.digest(secret), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /** Shows the fingerprint only. */
    @Override
    public String toString() {
        return "SiteKey[fingerprint=" + fingerprint() + "]";
    }
}
