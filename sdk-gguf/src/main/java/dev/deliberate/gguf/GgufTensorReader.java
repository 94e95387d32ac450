package dev.deliberate.gguf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the data of a GGUF file's tensors and decodes it to floats ({@code F32}, {@code F16}, {@code BF16}, the
 * 32-value block types {@code Q4_0}, {@code Q4_1}, {@code Q5_0}, {@code Q5_1}, {@code Q8_0} and the k-quants
 * {@code Q2_K}, {@code Q3_K}, {@code Q4_K}, {@code Q5_K}, {@code Q6_K}, which make up the published
 * {@code Q4_K_M}-style files; see {@link #decodableTypes()}), exactly as ggml's {@code dequantize_row_*}, in ggml order: the first dimension of {@link GgufTensorInfo#shape()} varies fastest, so a GGUF
 * matrix of shape {@code [in, out]} comes back as {@code out} rows of {@code in} values (PyTorch's {@code (out, in)}
 * layout).
 *
 * <pre>{@code
 * GgufFile header = GgufFile.read(path);
 * try (GgufTensorReader data = GgufTensorReader.open(path, header)) {
 *     float[] wq = data.readFloats(header.tensor("blk.0.attn_q.weight").orElseThrow());
 * }
 * }</pre>
 *
 * <p>Reading is bounded: a tensor is decoded only if its data lies inside the file and it has at most
 * {@link #MAX_ELEMENTS} elements (the largest Java array). Not thread-safe.
 */
public final class GgufTensorReader implements AutoCloseable {

    /** The largest tensor {@link #readFloats} decodes: the largest {@code float[]} a JVM allocates. */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private static final int CHUNK_BLOCKS = 8192;

    private final FileChannel channel;
    private final GgufFile header;

    private GgufTensorReader(FileChannel channel, GgufFile header) {
        this.channel = channel;
        this.header = header;
    }

    /**
     * Opens a file whose header has already been read.
     *
     * @param path   the GGUF file
     * @param header its header, from {@link GgufFile#read(Path)}
     * @return a reader to close after use
     * @throws IOException if the file cannot be opened
     */
    public static GgufTensorReader open(Path path, GgufFile header) throws IOException {
        Objects.requireNonNull(header, "header");
        return new GgufTensorReader(FileChannel.open(path, StandardOpenOption.READ), header);
    }

    /** @return the header this reader decodes tensors of */
    public GgufFile header() {
        return header;
    }

    /** @return the element types {@link #readFloats} can decode */
    public static Set<GgmlType> decodableTypes() {
        return Set.copyOf(Dequantizer.SUPPORTED);
    }

    /**
     * Decodes the named tensor.
     *
     * @param name tensor name, such as {@code token_embd.weight}
     * @return its values, or empty if the file has no tensor of that name
     * @throws UnsupportedTensorTypeException if its type cannot be decoded
     * @throws GgufFormatException            if its data is not inside the file
     * @throws IOException                    if reading fails
     */
    public Optional<float[]> readFloats(String name) throws IOException {
        Optional<GgufTensorInfo> t = header.tensor(name);
        return t.isPresent() ? Optional.of(readFloats(t.get())) : Optional.empty();
    }

    /**
     * Decodes one tensor to floats.
     *
     * @param tensor one of {@link GgufFile#tensors()}
     * @return its {@link GgufTensorInfo#elementCount()} values in ggml order
     * @throws UnsupportedTensorTypeException if its type cannot be decoded
     * @throws GgufFormatException            if its data is not inside the file or it is too large for an array
     * @throws IOException                    if reading fails
     */
    public float[] readFloats(GgufTensorInfo tensor) throws IOException {
        GgmlType type = tensor.type().filter(Dequantizer.SUPPORTED::contains).orElseThrow(
                () -> new UnsupportedTensorTypeException(tensor.name(), tensor.typeName(),
                        Dequantizer.supportedNames()));
        long elements = tensor.elementCount();
        long start = header.dataOffset() + tensor.offset();
        if (elements > MAX_ELEMENTS) {
            throw new GgufFormatException(header.source(), start,
                    "tensor " + tensor.name() + " has " + elements + " elements, more than one array holds");
        }
        long bytes = tensor.byteSize().orElseThrow(() -> new GgufFormatException(header.source(), start,
                "tensor " + tensor.name() + " has a row length that is not a whole number of " + type + " blocks"));
        if (start + bytes > channel.size()) {
            throw new GgufFormatException(header.source(), start,
                    "tensor " + tensor.name() + " needs " + bytes + " bytes but the file ends after "
                            + (channel.size() - start));
        }
        float[] out = new float[(int) elements];
        int blockValues = type.blockSize();
        int blockBytes = type.blockBytes();
        ByteBuffer buf = ByteBuffer.allocate(CHUNK_BLOCKS * blockBytes);
        long pos = start;
        int done = 0;
        while (done < elements) {
            int values = (int) Math.min((long) CHUNK_BLOCKS * blockValues, elements - done);
            int need = values / blockValues * blockBytes;
            buf.clear().limit(need);
            while (buf.hasRemaining()) {
                int n = channel.read(buf, pos + buf.position());
                if (n < 0) {
                    throw new GgufFormatException(header.source(), pos + buf.position(), "file ended inside tensor "
                            + tensor.name());
                }
            }
            buf.flip();
            Dequantizer.decode(type, buf, out, done, values);
            pos += need;
            done += values;
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
