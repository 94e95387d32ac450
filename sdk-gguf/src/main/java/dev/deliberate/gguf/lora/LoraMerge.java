package dev.deliberate.gguf.lora;

import dev.deliberate.gguf.GgmlType;
import dev.deliberate.gguf.GgufFile;
import dev.deliberate.gguf.GgufFormatException;
import dev.deliberate.gguf.GgufTensorInfo;
import dev.deliberate.gguf.GgufTensorReader;
import dev.deliberate.gguf.GgufValue;
import dev.deliberate.gguf.GgufWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes a base model with LoRA adapters folded into its weights, as a GGUF file that runs without the adapters:
 * for every adapted tensor {@code W' = W + sum_i scale_i * scaling_i * B_i A_i} (layout on {@link LoraWeights}),
 * every other tensor and all metadata copied byte for byte.
 *
 * <pre>{@code
 * GgufFile base = GgufFile.read(Path.of("base.gguf"));
 * LoraMerge.Result r = LoraMerge.write(Path.of("base.gguf"),
 *         List.of(new ScaledLora(LoraAdapter.read(Path.of("adapter.gguf")), 1f)), Path.of("merged.gguf"));
 * }</pre>
 *
 * <p>Types: an adapted tensor is decoded to floats (F32, F16, BF16, Q8_0, and whatever else
 * {@link GgufTensorReader#decodableTypes()} lists), changed, and encoded again in its own type when
 * {@link GgufWriter#encodableTypes()} contains it (F32, F16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1 and the k-quants Q2_K to
 * Q6_K; a quantized tensor is re-quantized with ggml's reference quantizer, which loses a little precision), else as
 * F16; {@link Result#reencoded()} says which tensors changed type. A base tensor whose type cannot be decoded (the
 * i-quants) fails with {@link dev.deliberate.gguf.UnsupportedTensorTypeException}.
 *
 * <p>Memory: tensors are streamed to the output one at a time; the unadapted ones through a 1 MiB buffer, an adapted
 * one as a float array of its size (the largest adapted projection, not the model, bounds the memory). The output
 * appears atomically: a failure leaves no file behind and an existing file untouched.
 */
public final class LoraMerge {

    private static final int COPY_BUFFER = 1 << 20;

    private LoraMerge() {
    }

    /**
     * What was written.
     *
     * @param bytes     size of the merged file
     * @param adapted   number of tensors changed by the adapters
     * @param reencoded adapted tensors written in another type than the base's, name to {@code FROM->F16}
     */
    public record Result(long bytes, int adapted, Map<String, String> reencoded) {
        /** Copies the map. */
        public Result {
            reencoded = Map.copyOf(reencoded);
        }
    }

    /**
     * Merges adapters into a base model.
     *
     * @param base     the base GGUF file
     * @param adapters the adapters and their scales, at least one; each must fit the base
     * @param out      the merged file (replaced if it exists; must not be {@code base})
     * @return what was written
     * @throws LoraMismatchException if an adapter does not fit the base
     * @throws GgufFormatException   if the base is malformed or truncated
     * @throws IOException           if reading or writing fails
     */
    public static Result write(Path base, List<ScaledLora> adapters, Path out) throws IOException {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(out, "out");
        if (adapters.isEmpty()) {
            throw new IllegalArgumentException("no adapters to merge");
        }
        if (base.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("the merged file must not replace its base: " + base);
        }
        GgufFile header = GgufFile.read(base);
        for (int i = 0; i < adapters.size(); i++) {
            adapters.get(i).adapter().info("adapter " + (i + 1)).checkFits(header);
        }
        LoraAdapter delta = LoraAdapter.combine(adapters); // alpha 0: B' A' is applied unscaled
        GgufWriter writer = new GgufWriter();
        for (Map.Entry<String, GgufValue> e : header.metadata().entrySet()) {
            writer.put(e.getKey(), e.getValue());
        }
        Map<String, String> reencoded = new java.util.TreeMap<>();
        try (GgufTensorReader reader = GgufTensorReader.open(base, header);
                FileChannel ch = FileChannel.open(base, StandardOpenOption.READ)) {
            for (GgufTensorInfo t : header.tensors()) {
                LoraWeights w = delta.weights().get(t.name());
                GgmlType type = t.type().orElseThrow(() -> new GgufFormatException(header.source(),
                        header.dataOffset() + t.offset(), "tensor " + t.name() + " has unknown type " + t.typeName()));
                if (w == null) {
                    long start = header.dataOffset() + t.offset();
                    long size = t.byteSize().orElseThrow(() -> new GgufFormatException(header.source(), start,
                            "tensor " + t.name() + " has no whole number of " + type + " blocks"));
                    writer.rawTensor(t.name(), type, t.shape(), sink -> copy(ch, header, t.name(), start, size, sink));
                } else {
                    GgmlType target = GgufWriter.encodableTypes().contains(type) ? type : GgmlType.F16;
                    if (target != type) {
                        reencoded.put(t.name(), type + "->" + target);
                    }
                    writer.tensor(t.name(), target, t.shape(), sink -> {
                        float[] v = reader.readFloats(t);
                        w.addDelta(v, 0, w.out(), 1f);
                        sink.accept(v, 0, v.length);
                    });
                }
            }
            long bytes = writer.write(out);
            return new Result(bytes, delta.weights().size(), reencoded);
        }
    }

    private static void copy(FileChannel ch, GgufFile header, String name, long start, long size,
            GgufWriter.ByteSink sink) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(COPY_BUFFER, Math.max(1, size)));
        long pos = start;
        long end = start + size;
        while (pos < end) {
            buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new GgufFormatException(header.source(), pos, "file ended inside tensor " + name);
            }
            sink.accept(buf.array(), 0, n);
            pos += n;
        }
    }
}
