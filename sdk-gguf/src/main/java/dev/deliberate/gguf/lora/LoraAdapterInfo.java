package dev.deliberate.gguf.lora;

import dev.deliberate.gguf.GgufFile;
import dev.deliberate.gguf.GgufTensorInfo;
import dev.deliberate.gguf.GgufValue;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a LoRA adapter file says about itself, read from its GGUF header alone (no tensor data): architecture,
 * {@code alpha}, rank, the adapted base tensors with their shapes, and provenance. Use it to check an adapter against
 * a base model cheaply, before loading either.
 *
 * <pre>{@code
 * LoraAdapterInfo info = LoraAdapterInfo.read(Path.of("adapter.gguf"));
 * info.checkFits(GgufFile.read(Path.of("base.gguf")));     // LoraMismatchException naming tensor and shapes
 * }</pre>
 *
 * <p>The format is llama.cpp's ({@code src/llama-adapter.cpp}, written by {@code convert_lora_to_gguf.py}):
 * {@code general.type = "adapter"}, {@code adapter.type = "lora"}, {@code general.architecture} as in the base,
 * {@code adapter.lora.alpha} (FLOAT32; llama.cpp reads an absent key as 0, which means "no alpha scaling"), and for
 * each adapted base tensor {@code NAME} the pair {@code NAME.lora_a} (ggml shape {@code [in, rank]}) and
 * {@code NAME.lora_b} ({@code [rank, out]}). llama.cpp skips tensors ending in {@code _norm.weight}; so does this
 * reader. Deliberate requires one rank for all pairs (llama.cpp would accept a rank per pair) and does not adapt
 * {@code token_embd.weight}, whose pair llama.cpp reads transposed.
 *
 * @param source       the file the header was read from
 * @param architecture {@code general.architecture}, such as {@code qwen2}
 * @param alpha        {@code adapter.lora.alpha}, 0 when absent
 * @param rank         the rank shared by all pairs
 * @param targets      base tensor name to shape, sorted by name
 * @param provenance   the optional provenance keys
 */
public record LoraAdapterInfo(String source, String architecture, float alpha, int rank,
        Map<String, LoraTarget> targets, LoraProvenance provenance) {

    /** {@code general.type} of an adapter. */
    public static final String GENERAL_TYPE = "adapter";
    /** {@code adapter.type} of a LoRA adapter. */
    public static final String ADAPTER_TYPE = "lora";
    /** Metadata key of alpha. */
    public static final String ALPHA_KEY = "adapter.lora.alpha";
    /** Suffix of the {@code A} factor's tensor name. */
    public static final String A_SUFFIX = ".lora_a";
    /** Suffix of the {@code B} factor's tensor name. */
    public static final String B_SUFFIX = ".lora_b";

    /** Checks the values are consistent. */
    public LoraAdapterInfo {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(provenance, "provenance");
        if (architecture.isBlank()) {
            throw new IllegalArgumentException("architecture must not be blank");
        }
        if (!Float.isFinite(alpha) || alpha < 0) {
            throw new IllegalArgumentException("alpha must be finite and not negative: " + alpha);
        }
        if (rank <= 0) {
            throw new IllegalArgumentException("rank must be positive: " + rank);
        }
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("an adapter adapts at least one tensor");
        }
        for (Map.Entry<String, LoraTarget> e : targets.entrySet()) {
            if (e.getValue().rank() != rank) {
                throw new IllegalArgumentException(e.getKey() + " has rank " + e.getValue().rank() + ", not " + rank);
            }
        }
        targets = Collections.unmodifiableMap(new TreeMap<>(targets));
    }

    /**
     * The factor llama.cpp multiplies {@code B A x} by at scale 1: {@code alpha / rank}, or 1 when alpha is 0 (as
     * llama.cpp does).
     *
     * @return the scaling at adapter scale 1
     */
    public float scaling() {
        return alpha == 0f ? 1f : alpha / rank;
    }

    /**
     * Reads and checks the header of an adapter file.
     *
     * @param path the adapter file
     * @return what it says
     * @throws dev.deliberate.gguf.GgufFormatException if the file is not GGUF or is truncated
     * @throws LoraFormatException                     if it is GGUF but not a LoRA adapter Deliberate can use
     * @throws IOException                             if it cannot be read
     */
    public static LoraAdapterInfo read(Path path) throws IOException {
        return of(GgufFile.read(path));
    }

    /**
     * Checks a GGUF header is a LoRA adapter and describes it.
     *
     * @param header the header of the adapter file
     * @return what it says
     * @throws LoraFormatException if the header is not a LoRA adapter Deliberate can use
     */
    public static LoraAdapterInfo of(GgufFile header) {
        String src = header.source();
        String generalType = header.getString("general.type").orElseThrow(() -> new LoraFormatException(src,
                "general.type is missing (a base model, not an adapter?)"));
        if (!generalType.equals(GENERAL_TYPE)) {
            throw new LoraFormatException(src, "general.type is '" + generalType + "', not '" + GENERAL_TYPE + "'");
        }
        String adapterType = header.getString("adapter.type").orElse("");
        if (!adapterType.equals(ADAPTER_TYPE)) {
            throw new LoraFormatException(src, "adapter.type is '" + adapterType + "', not '" + ADAPTER_TYPE + "'");
        }
        String arch = header.architecture().filter(a -> !a.isBlank())
                .orElseThrow(() -> new LoraFormatException(src, "general.architecture is missing"));
        float alpha = 0f;
        Optional<GgufValue> alphaValue = header.get(ALPHA_KEY);
        if (alphaValue.isPresent()) {
            if (!(alphaValue.get() instanceof GgufValue.FloatValue f)) {
                throw new LoraFormatException(src, ALPHA_KEY + " is not a float: " + alphaValue.get());
            }
            alpha = (float) f.value();
            if (!Float.isFinite(alpha) || alpha < 0) {
                throw new LoraFormatException(src, ALPHA_KEY + " must be finite and not negative: " + alpha);
            }
        }
        Map<String, GgufTensorInfo> as = new HashMap<>();
        Map<String, GgufTensorInfo> bs = new HashMap<>();
        for (GgufTensorInfo t : header.tensors()) {
            String n = t.name();
            if (n.endsWith(A_SUFFIX)) {
                as.put(n.substring(0, n.length() - A_SUFFIX.length()), t);
            } else if (n.endsWith(B_SUFFIX)) {
                bs.put(n.substring(0, n.length() - B_SUFFIX.length()), t);
            } else if (!n.endsWith("_norm.weight")) {
                throw new LoraFormatException(src, "tensor " + n + " is neither " + A_SUFFIX + " nor " + B_SUFFIX);
            }
        }
        if (as.isEmpty() && bs.isEmpty()) {
            throw new LoraFormatException(src, "it has no " + A_SUFFIX + "/" + B_SUFFIX + " tensors");
        }
        TreeMap<String, LoraTarget> targets = new TreeMap<>();
        int rank = -1;
        for (Map.Entry<String, GgufTensorInfo> e : as.entrySet()) {
            String name = e.getKey();
            GgufTensorInfo a = e.getValue();
            GgufTensorInfo b = bs.get(name);
            if (b == null) {
                throw new LoraFormatException(src, "tensor " + a.name() + " has no " + name + B_SUFFIX);
            }
            if (name.equals("token_embd.weight")) {
                throw new LoraFormatException(src, "it adapts token_embd.weight, which Deliberate does not support");
            }
            List<Long> sa = a.shape();
            List<Long> sb = b.shape();
            if (sa.size() != 2 || sb.size() != 2) {
                throw new LoraFormatException(src, "the pair of " + name + " is not two matrices: " + a.name()
                        + " " + sa + ", " + b.name() + " " + sb);
            }
            if (!sa.get(1).equals(sb.get(0)) || sa.get(1) <= 0 || sa.get(1) > Integer.MAX_VALUE
                    || sa.get(0) <= 0 || sb.get(1) <= 0) {
                throw new LoraFormatException(src, "the pair of " + name + " does not agree on a rank: " + a.name()
                        + " " + sa + " must be [in, rank] and " + b.name() + " " + sb + " [rank, out]");
            }
            int r = (int) (long) sa.get(1);
            if (rank >= 0 && r != rank) {
                throw new LoraFormatException(src, "tensor " + a.name() + " has rank " + r + " but others have rank "
                        + rank + " (Deliberate needs one rank per adapter)");
            }
            rank = r;
            targets.put(name, new LoraTarget(sa.get(0), sb.get(1), r));
        }
        for (String name : bs.keySet()) {
            if (!as.containsKey(name)) {
                throw new LoraFormatException(src, "tensor " + name + B_SUFFIX + " has no " + name + A_SUFFIX);
            }
        }
        Optional<String> sha = header.getString(LoraProvenance.BASE_SHA256_KEY);
        TreeMap<String, String> training = new TreeMap<>();
        for (Map.Entry<String, GgufValue> e : header.metadata().entrySet()) {
            if (e.getKey().startsWith(LoraProvenance.TRAINING_PREFIX)
                    && e.getValue() instanceof GgufValue.StringValue s) {
                training.put(e.getKey().substring(LoraProvenance.TRAINING_PREFIX.length()), s.value());
            }
        }
        LoraProvenance provenance;
        try {
            provenance = new LoraProvenance(sha, training);
        } catch (IllegalArgumentException e) {
            throw new LoraFormatException(src, "bad provenance: " + e.getMessage());
        }
        return new LoraAdapterInfo(src, arch, alpha, rank, targets, provenance);
    }

    /**
     * Checks this adapter fits a base model: the same {@code general.architecture}, and for every target a
     * two-dimensional base tensor of that name whose shape is {@code [in, out]}.
     *
     * @param base the base model's header
     * @throws LoraMismatchException naming the first tensor (in name order) that does not fit, with both shapes
     */
    public void checkFits(GgufFile base) {
        String baseArch = base.architecture().orElse("(none)");
        if (!baseArch.equals(architecture)) {
            throw new LoraMismatchException(source, base.source(), null, "the adapter is for architecture '"
                    + architecture + "' but the base model is '" + baseArch + "'");
        }
        if (base.getString("general.type").filter(GENERAL_TYPE::equals).isPresent()) {
            throw new LoraMismatchException(source, base.source(), null, "the base is itself an adapter");
        }
        for (Map.Entry<String, LoraTarget> e : targets.entrySet()) {
            String name = e.getKey();
            LoraTarget t = e.getValue();
            GgufTensorInfo w = base.tensor(name).orElseThrow(() -> new LoraMismatchException(source, base.source(),
                    name, "the base model has no such tensor"));
            List<Long> s = w.shape();
            if (s.size() != 2 || s.get(0) != t.in() || s.get(1) != t.out()) {
                throw new LoraMismatchException(source, base.source(), name, "the base tensor has shape " + s
                        + " but the adapter's lora_a " + t.aShape() + " and lora_b " + t.bShape() + " need ["
                        + t.in() + ", " + t.out() + "]");
            }
        }
    }
}
