package dev.deliberate.gguf.lora;

import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where an adapter came from, stored as optional metadata keys of the adapter file (llama.cpp ignores them):
 * {@value #BASE_SHA256_KEY} holds the SHA-256 of the base GGUF the adapter was trained on, and
 * {@code deliberate.training.<key>} entries describe the training (for example {@code steps}, {@code seed},
 * {@code data_sha256}). Files written by other tools simply have none.
 *
 * @param baseSha256 lower-case hex SHA-256 of the base model file, if known
 * @param training   free-form description of the training, key to value; keys are lower-case
 *                   {@code [a-z0-9_.]}, sorted
 */
public record LoraProvenance(Optional<String> baseSha256, Map<String, String> training) {

    /** Metadata key of the base model's SHA-256. */
    public static final String BASE_SHA256_KEY = "deliberate.base.sha256";
    /** Prefix of the training description keys. */
    public static final String TRAINING_PREFIX = "deliberate.training.";

    private static final LoraProvenance NONE = new LoraProvenance(Optional.empty(), Map.of());

    /** Checks the hash is 64 hex digits and the training keys are well formed. */
    public LoraProvenance {
        Objects.requireNonNull(baseSha256, "baseSha256");
        baseSha256 = baseSha256.map(h -> h.toLowerCase(java.util.Locale.ROOT));
        baseSha256.ifPresent(h -> {
            if (h.length() != 64 || !h.chars().allMatch(HexFormat::isHexDigit)) {
                throw new IllegalArgumentException("base SHA-256 must be 64 hex digits: '" + h + "'");
            }
        });
        TreeMap<String, String> copy = new TreeMap<>();
        for (Map.Entry<String, String> e : training.entrySet()) {
            String k = Objects.requireNonNull(e.getKey(), "training key");
            if (k.isEmpty() || k.length() > 64 || !k.chars().allMatch(c -> (c >= 'a' && c <= 'z')
                    || (c >= '0' && c <= '9') || c == '_' || c == '.')) {
                throw new IllegalArgumentException("training key must be 1 to 64 of [a-z0-9_.]: '" + k + "'");
            }
            copy.put(k, Objects.requireNonNull(e.getValue(), "training value of " + k));
        }
        training = Collections.unmodifiableMap(copy);
    }

    /** @return no provenance */
    public static LoraProvenance none() {
        return NONE;
    }

    /**
     * @param baseSha256 lower- or upper-case hex SHA-256 of the base model file
     * @param training   description of the training
     * @return a provenance with both
     */
    public static LoraProvenance of(String baseSha256, Map<String, String> training) {
        return new LoraProvenance(Optional.of(baseSha256), training);
    }
}
