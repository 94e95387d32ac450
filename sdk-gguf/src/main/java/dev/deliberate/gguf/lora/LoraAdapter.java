package dev.deliberate.gguf.lora;

import dev.deliberate.gguf.GgmlType;
import dev.deliberate.gguf.GgufFile;
import dev.deliberate.gguf.GgufTensorReader;
import dev.deliberate.gguf.GgufValue;
import dev.deliberate.gguf.GgufWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A LoRA adapter: for each adapted base tensor (such as {@code blk.0.attn_q.weight}) a pair of low-rank factors
 * ({@link LoraWeights}, whose Javadoc gives the exact layout), with the base architecture, {@code alpha}, one rank
 * and optional provenance. Immutable and validated.
 *
 * <pre>{@code
 * LoraAdapter adapter = new LoraAdapter("qwen2", 32f, 16, Map.of("blk.0.attn_q.weight", weights),
 *         LoraProvenance.of(baseSha256, Map.of("steps", "200")));
 * adapter.write(Path.of("adapter.gguf"));                   // llama.cpp's GGUF LoRA format, atomically
 * LoraAdapter back = LoraAdapter.read(Path.of("adapter.gguf"));
 * back.checkFits(GgufFile.read(Path.of("base.gguf")));
 * }</pre>
 *
 * <p>Applied with scale {@code s}, an adapter changes each adapted projection to {@code y = W x + s * scaling() *
 * B (A x)}, with {@link #scaling()} = {@code alpha / rank} (1 when alpha is 0), exactly as llama.cpp does when it
 * loads the file with {@code --lora-scaled FILE s}. The file format is described on {@link LoraAdapterInfo}.
 */
public final class LoraAdapter {

    private final String architecture;
    private final float alpha;
    private final int rank;
    private final Map<String, LoraWeights> weights;
    private final LoraProvenance provenance;

    /**
     * @param architecture the base model's {@code general.architecture}, such as {@code qwen2}
     * @param alpha        LoRA alpha, finite and not negative (0: no alpha scaling, as llama.cpp reads it)
     * @param rank         the rank of every pair
     * @param weights      base tensor name to factors; at least one; names plus {@code .lora_a} fit GGUF's 63
     *                     bytes; not {@code token_embd.weight}
     * @param provenance   where the adapter came from ({@link LoraProvenance#none()} if unknown)
     * @throws IllegalArgumentException if a value is out of range or a pair has another rank
     */
    public LoraAdapter(String architecture, float alpha, int rank, Map<String, LoraWeights> weights,
            LoraProvenance provenance) {
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
        if (weights.isEmpty()) {
            throw new IllegalArgumentException("an adapter adapts at least one tensor");
        }
        TreeMap<String, LoraWeights> copy = new TreeMap<>();
        for (Map.Entry<String, LoraWeights> e : weights.entrySet()) {
            String name = Objects.requireNonNull(e.getKey(), "tensor name");
            LoraWeights w = Objects.requireNonNull(e.getValue(), name);
            if (name.isEmpty() || name.endsWith(LoraAdapterInfo.A_SUFFIX) || name.endsWith(LoraAdapterInfo.B_SUFFIX)) {
                throw new IllegalArgumentException("give the base tensor's name, not '" + name + "'");
            }
            if ((name + LoraAdapterInfo.A_SUFFIX).getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 63) {
                throw new IllegalArgumentException("tensor name too long for GGUF with the .lora_a suffix: " + name);
            }
            if (name.equals("token_embd.weight")) {
                throw new IllegalArgumentException("token_embd.weight cannot be adapted (llama.cpp reads its pair "
                        + "transposed)");
            }
            if (w.rank() != rank) {
                throw new IllegalArgumentException(name + " has rank " + w.rank() + ", not " + rank);
            }
            copy.put(name, w);
        }
        this.architecture = architecture;
        this.alpha = alpha;
        this.rank = rank;
        this.weights = Collections.unmodifiableMap(copy);
        this.provenance = provenance;
    }

    /**
     * Reads an adapter file, tensor data included (F32, F16, BF16 or Q8_0 factors).
     *
     * @param path the adapter file
     * @return the adapter
     * @throws dev.deliberate.gguf.GgufFormatException if the file is not GGUF or is truncated
     * @throws LoraFormatException                     if it is not a LoRA adapter Deliberate can use
     * @throws dev.deliberate.gguf.UnsupportedTensorTypeException if a factor's type cannot be decoded
     * @throws IOException                             if it cannot be read
     */
    public static LoraAdapter read(Path path) throws IOException {
        GgufFile header = GgufFile.read(path);
        LoraAdapterInfo info = LoraAdapterInfo.of(header);
        TreeMap<String, LoraWeights> weights = new TreeMap<>();
        try (GgufTensorReader data = GgufTensorReader.open(path, header)) {
            for (Map.Entry<String, LoraTarget> e : info.targets().entrySet()) {
                LoraTarget t = e.getValue();
                if (t.in() > Integer.MAX_VALUE || t.out() > Integer.MAX_VALUE) {
                    throw new LoraFormatException(header.source(), "tensor " + e.getKey() + " is too large");
                }
                float[] a = data.readFloats(e.getKey() + LoraAdapterInfo.A_SUFFIX).orElseThrow();
                float[] b = data.readFloats(e.getKey() + LoraAdapterInfo.B_SUFFIX).orElseThrow();
                try {
                    weights.put(e.getKey(), new LoraWeights((int) t.in(), (int) t.out(), t.rank(), a, b));
                } catch (IllegalArgumentException ex) {
                    throw new LoraFormatException(header.source(), "tensor " + e.getKey() + ": " + ex.getMessage());
                }
            }
        }
        return new LoraAdapter(info.architecture(), info.alpha(), info.rank(), weights, info.provenance());
    }

    /**
     * Writes the adapter in llama.cpp's GGUF LoRA format with F32 factors, atomically.
     *
     * @param path where the file goes
     * @return the file's size in bytes
     * @throws IOException if writing fails; {@code path} is then untouched
     */
    public long write(Path path) throws IOException {
        return write(path, GgmlType.F32);
    }

    /**
     * Writes the adapter in llama.cpp's GGUF LoRA format, atomically: metadata {@code general.architecture},
     * {@code general.type = adapter}, {@code adapter.type = lora}, {@code adapter.lora.alpha} (FLOAT32), the
     * provenance keys, then for each target in name order {@code NAME.lora_a} and {@code NAME.lora_b}.
     *
     * @param path where the file goes
     * @param type {@link GgmlType#F32} or {@link GgmlType#F16} for the factors
     * @return the file's size in bytes
     * @throws IllegalArgumentException if {@code type} is neither
     * @throws IOException              if writing fails; {@code path} is then untouched
     */
    public long write(Path path, GgmlType type) throws IOException {
        if (type != GgmlType.F32 && type != GgmlType.F16) {
            throw new IllegalArgumentException("LoRA factors are written as F32 or F16, not " + type);
        }
        GgufWriter w = new GgufWriter()
                .put("general.architecture", GgufValue.string(architecture))
                .put("general.type", GgufValue.string(LoraAdapterInfo.GENERAL_TYPE))
                .put("adapter.type", GgufValue.string(LoraAdapterInfo.ADAPTER_TYPE))
                .put(LoraAdapterInfo.ALPHA_KEY, GgufValue.float32(alpha));
        provenance.baseSha256().ifPresent(h -> w.put(LoraProvenance.BASE_SHA256_KEY, GgufValue.string(h)));
        provenance.training().forEach((k, v) -> w.put(LoraProvenance.TRAINING_PREFIX + k, GgufValue.string(v)));
        for (Map.Entry<String, LoraWeights> e : weights.entrySet()) {
            LoraWeights lw = e.getValue();
            float[] a = lw.aView();
            float[] b = lw.bView();
            w.tensor(e.getKey() + LoraAdapterInfo.A_SUFFIX, type, List.of((long) lw.in(), (long) rank),
                    sink -> sink.accept(a, 0, a.length));
            w.tensor(e.getKey() + LoraAdapterInfo.B_SUFFIX, type, List.of((long) rank, (long) lw.out()),
                    sink -> sink.accept(b, 0, b.length));
        }
        return w.write(path);
    }

    /**
     * One adapter with the effect of several applied together, each at its scale: for every tensor any of them
     * adapts, the factors are stacked along the rank ({@code A' = [A1; A2; ...]},
     * {@code B' = [s1 B1, s2 B2, ...]} with {@code si} = scale times {@link #scaling()} of adapter {@code i}), and
     * alpha is 0, so that llama.cpp applies {@code B' A'} unscaled. Pairs with a smaller stacked rank than the
     * largest are padded with zeros (one rank per adapter). The result has no provenance.
     *
     * @param adapters at least one, all for the same architecture, agreeing on the shape of every tensor they share
     * @return the combined adapter, to be applied at scale 1
     * @throws IllegalArgumentException if the list is empty or the adapters disagree
     */
    public static LoraAdapter combine(List<ScaledLora> adapters) {
        if (adapters.isEmpty()) {
            throw new IllegalArgumentException("nothing to combine");
        }
        String arch = adapters.get(0).adapter().architecture();
        TreeMap<String, Integer> ranks = new TreeMap<>();
        TreeMap<String, LoraTarget> shapes = new TreeMap<>();
        for (ScaledLora s : adapters) {
            LoraAdapter a = s.adapter();
            if (!a.architecture.equals(arch)) {
                throw new IllegalArgumentException("adapters for '" + arch + "' and '" + a.architecture
                        + "' cannot be combined");
            }
            for (Map.Entry<String, LoraWeights> e : a.weights.entrySet()) {
                LoraWeights w = e.getValue();
                LoraTarget known = shapes.putIfAbsent(e.getKey(), w.target());
                if (known != null && (known.in() != w.in() || known.out() != w.out())) {
                    throw new IllegalArgumentException("adapters disagree on the shape of " + e.getKey() + ": ["
                            + known.in() + ", " + known.out() + "] and [" + w.in() + ", " + w.out() + "]");
                }
                ranks.merge(e.getKey(), w.rank(), Math::addExact);
            }
        }
        int rank = ranks.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
        TreeMap<String, LoraWeights> out = new TreeMap<>();
        for (Map.Entry<String, LoraTarget> e : shapes.entrySet()) {
            int in = (int) e.getValue().in();
            int rows = (int) e.getValue().out();
            float[] a = new float[Math.multiplyExact(in, rank)];
            float[] b = new float[Math.multiplyExact(rows, rank)];
            int at = 0;
            for (ScaledLora s : adapters) {
                LoraWeights w = s.adapter().weights.get(e.getKey());
                if (w == null) {
                    continue;
                }
                float f = s.scale() * s.adapter().scaling();
                System.arraycopy(w.aView(), 0, a, at * in, w.rank() * in);
                float[] wb = w.bView();
                for (int o = 0; o < rows; o++) {
                    for (int k = 0; k < w.rank(); k++) {
                        b[o * rank + at + k] = f * wb[o * w.rank() + k];
                    }
                }
                at += w.rank();
            }
            out.put(e.getKey(), new LoraWeights(in, rows, rank, a, b));
        }
        return new LoraAdapter(arch, 0f, rank, out, LoraProvenance.none());
    }

    /** @return the base model's {@code general.architecture} */
    public String architecture() {
        return architecture;
    }

    /** @return LoRA alpha */
    public float alpha() {
        return alpha;
    }

    /** @return the rank of every pair */
    public int rank() {
        return rank;
    }

    /** @return {@code alpha / rank}, or 1 when alpha is 0 (llama.cpp's rule) */
    public float scaling() {
        return alpha == 0f ? 1f : alpha / rank;
    }

    /** @return base tensor name to factors, sorted by name */
    public Map<String, LoraWeights> weights() {
        return weights;
    }

    /** @return where the adapter came from */
    public LoraProvenance provenance() {
        return provenance;
    }

    /**
     * @param source a name for messages, such as the file it will be written to
     * @return the header-level description of this adapter
     */
    public LoraAdapterInfo info(String source) {
        TreeMap<String, LoraTarget> targets = new TreeMap<>();
        weights.forEach((k, v) -> targets.put(k, v.target()));
        return new LoraAdapterInfo(source, architecture, alpha, rank, targets, provenance);
    }

    /**
     * Checks the adapter fits a base model, as {@link LoraAdapterInfo#checkFits(GgufFile)}.
     *
     * @param base the base model's header
     * @throws LoraMismatchException naming the tensor and both shapes
     */
    public void checkFits(GgufFile base) {
        info("adapter").checkFits(base);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LoraAdapter x && x.architecture.equals(architecture) && x.alpha == alpha
                && x.rank == rank && x.weights.equals(weights) && x.provenance.equals(provenance);
    }

    @Override
    public int hashCode() {
        return Objects.hash(architecture, alpha, rank, weights, provenance);
    }

    @Override
    public String toString() {
        return "LoraAdapter[" + architecture + ", rank " + rank + ", alpha " + alpha + ", " + weights.size()
                + " tensors]";
    }
}
