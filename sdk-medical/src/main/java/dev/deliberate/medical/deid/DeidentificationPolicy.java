package dev.deliberate.medical.deid;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What {@link Deidentifier} does: the Basic Profile plus the selected {@link DeidentificationOption}s, the secret salt
 * from which replacement UIDs (and, with modified dates, the date shift) are derived, and the handling of burned-in
 * annotation. Immutable; change one with the {@code with...} methods.
 *
 * <p>The same salt gives the same replacement UIDs across files and runs, so one study stays one study. Keep the salt
 * secret: whoever has it can test a guessed original UID against a replacement.
 *
 * @param salt                  the secret (at least {@value #MIN_SALT_BYTES} bytes; copied)
 * @param options               the profile options applied (only supported ones)
 * @param burnedInAnnotation    what to do when Burned In Annotation is YES
 * @param safePrivateAttributes private attributes kept under {@link DeidentificationOption#RETAIN_SAFE_PRIVATE}
 */
public record DeidentificationPolicy(byte[] salt, Set<DeidentificationOption> options,
        BurnedInAnnotationHandling burnedInAnnotation, Set<PrivateAttribute> safePrivateAttributes) {

    /** The smallest salt accepted, in bytes. */
    public static final int MIN_SALT_BYTES = 8;

    /** Validates and copies. */
    public DeidentificationPolicy {
        Objects.requireNonNull(salt, "salt");
        if (salt.length < MIN_SALT_BYTES) {
            throw new IllegalArgumentException("salt must have at least " + MIN_SALT_BYTES + " bytes, got "
                    + salt.length);
        }
        salt = salt.clone();
        options = Set.copyOf(options);
        Objects.requireNonNull(burnedInAnnotation, "burnedInAnnotation");
        safePrivateAttributes = Set.copyOf(safePrivateAttributes);
        for (DeidentificationOption o : options) {
            if (!o.isSupported()) {
                throw new IllegalArgumentException(o + " (" + o.codeMeaning() + ") is not supported: it needs "
                        + "inspection of pixel data or graphics that this implementation does not do");
            }
        }
        if (options.contains(DeidentificationOption.RETAIN_LONGITUDINAL_FULL_DATES)
                && options.contains(DeidentificationOption.RETAIN_LONGITUDINAL_MODIFIED_DATES)) {
            throw new IllegalArgumentException("RETAIN_LONGITUDINAL_FULL_DATES and RETAIN_LONGITUDINAL_MODIFIED_DATES "
                    + "exclude each other");
        }
        if (!safePrivateAttributes.isEmpty() && !options.contains(DeidentificationOption.RETAIN_SAFE_PRIVATE)) {
            throw new IllegalArgumentException("safePrivateAttributes need the RETAIN_SAFE_PRIVATE option");
        }
    }

    /** The Basic Profile without options, refusing burned-in annotation. */
    public static DeidentificationPolicy basic(byte[] salt) {
        return new DeidentificationPolicy(salt, Set.of(), BurnedInAnnotationHandling.REFUSE, Set.of());
    }

    /**
     * The Basic Profile with a salt given as text (its UTF-8 bytes).
     *
     * @throws IllegalArgumentException when the salt is shorter than {@value #MIN_SALT_BYTES} bytes
     */
    public static DeidentificationPolicy basic(String salt) {
        return basic(Objects.requireNonNull(salt, "salt").getBytes(StandardCharsets.UTF_8));
    }

    /** The salt (a copy). */
    @Override
    public byte[] salt() {
        return salt.clone();
    }

    /** Whether an option is selected. */
    public boolean has(DeidentificationOption option) {
        return options.contains(option);
    }

    /** This policy with these options (replacing the current ones). */
    public DeidentificationPolicy withOptions(Set<DeidentificationOption> newOptions) {
        return new DeidentificationPolicy(salt, newOptions, burnedInAnnotation, safePrivateAttributes);
    }

    /** This policy with one more option. */
    public DeidentificationPolicy withOption(DeidentificationOption option) {
        EnumSet<DeidentificationOption> s = EnumSet.noneOf(DeidentificationOption.class);
        s.addAll(options);
        s.add(option);
        return withOptions(s);
    }

    /** This policy with another burned-in annotation handling. */
    public DeidentificationPolicy withBurnedInAnnotation(BurnedInAnnotationHandling handling) {
        return new DeidentificationPolicy(salt, options, handling, safePrivateAttributes);
    }

    /** This policy keeping these private attributes (adds {@link DeidentificationOption#RETAIN_SAFE_PRIVATE}). */
    public DeidentificationPolicy withSafePrivateAttributes(Set<PrivateAttribute> attributes) {
        EnumSet<DeidentificationOption> s = EnumSet.of(DeidentificationOption.RETAIN_SAFE_PRIVATE);
        s.addAll(options);
        return new DeidentificationPolicy(salt, s, burnedInAnnotation, attributes);
    }

    /** Equal when all fields are equal (the salt compared in constant time). */
    @Override
    public boolean equals(Object o) {
        return o instanceof DeidentificationPolicy p && MessageDigest.isEqual(salt, p.salt)
                && options.equals(p.options) && burnedInAnnotation == p.burnedInAnnotation
                && safePrivateAttributes.equals(p.safePrivateAttributes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(salt), options, burnedInAnnotation, safePrivateAttributes);
    }

    /** Shows everything but the salt. */
    @Override
    public String toString() {
        return "DeidentificationPolicy[salt=(" + salt.length + " bytes, hidden), options=" + options
                + ", burnedInAnnotation=" + burnedInAnnotation + ", safePrivateAttributes=" + safePrivateAttributes
                + "]";
    }
}
