package dev.deliberate.gguf;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The header of a GGUF file: format version, metadata and tensor descriptions. Immutable.
 *
 * <pre>{@code
 * GgufFile gguf = GgufFile.read(Path.of("model.gguf"));        // reads the header only
 * String arch = gguf.getString("general.architecture").orElse("?");
 * long params = gguf.tensors().stream().mapToLong(GgufTensorInfo::elementCount).sum();
 * GgufSummary summary = GgufSummary.of(gguf);
 * }</pre>
 *
 * <p>Reading is bounded: every count and length is checked against the bytes left in the file and against
 * {@link GgufLimits} before anything is allocated, and each tensor's data range is checked to lie inside the file
 * (without reading it). Malformed input fails with {@link GgufFormatException}.
 */
public final class GgufFile {

    /** Default alignment of the tensor data when {@code general.alignment} is absent. */
    public static final int DEFAULT_ALIGNMENT = 32;

    private final String source;
    private final int version;
    private final Map<String, GgufValue> metadata;
    private final List<GgufTensorInfo> tensors;
    private final int alignment;
    private final long dataOffset;
    private final long fileSize;

    GgufFile(String source, int version, Map<String, GgufValue> metadata, List<GgufTensorInfo> tensors,
            int alignment, long dataOffset, long fileSize) {
        this.source = source;
        this.version = version;
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        this.tensors = List.copyOf(tensors);
        this.alignment = alignment;
        this.dataOffset = dataOffset;
        this.fileSize = fileSize;
    }

    /**
     * Reads the header of a GGUF file with {@link GgufLimits#defaults()}.
     *
     * @param path the file
     * @return the header
     * @throws GgufFormatException if the file is not GGUF or its header is malformed
     * @throws IOException         if the file cannot be read
     */
    public static GgufFile read(Path path) throws IOException {
        return read(path, GgufLimits.defaults());
    }

    /**
     * Reads the header of a GGUF file.
     *
     * @param path   the file
     * @param limits bounds on counts and lengths
     * @return the header
     * @throws GgufFormatException if the file is not GGUF, its header is malformed or exceeds {@code limits}
     * @throws IOException         if the file cannot be read
     */
    public static GgufFile read(Path path, GgufLimits limits) throws IOException {
        Objects.requireNonNull(path, "path");
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return read(ch, path.toString(), limits);
        }
    }

    /**
     * Reads a GGUF header from a channel positioned at the start of the file; the channel's {@code size()} bounds
     * every length. The channel is not closed.
     *
     * @param channel the bytes, positioned at the start
     * @param source  name used in error messages (a file name)
     * @param limits  bounds on counts and lengths
     * @return the header
     * @throws GgufFormatException if the bytes are not GGUF, malformed or exceed {@code limits}
     * @throws IOException         if reading fails
     */
    public static GgufFile read(SeekableByteChannel channel, String source, GgufLimits limits) throws IOException {
        return new GgufHeaderReader(channel, source, limits).read();
    }

    /** @return the file (or source name) this header was read from */
    public String source() {
        return source;
    }

    /** @return the GGUF format version (2 or 3) */
    public int version() {
        return version;
    }

    /** @return all metadata entries, in file order */
    public Map<String, GgufValue> metadata() {
        return metadata;
    }

    /** @return all tensor descriptions, in file order */
    public List<GgufTensorInfo> tensors() {
        return tensors;
    }

    /** @return alignment of the data section and of each tensor's data ({@code general.alignment}, default 32) */
    public int alignment() {
        return alignment;
    }

    /** @return absolute file offset where tensor data starts; add {@link GgufTensorInfo#offset()} for a tensor */
    public long dataOffset() {
        return dataOffset;
    }

    /** @return size of the file in bytes */
    public long fileSize() {
        return fileSize;
    }

    /**
     * @param key metadata key, such as {@code general.architecture}
     * @return the value, if present
     */
    public Optional<GgufValue> get(String key) {
        return Optional.ofNullable(metadata.get(key));
    }

    /**
     * @param key metadata key
     * @return the value if it is present and a string
     */
    public Optional<String> getString(String key) {
        return get(key).filter(GgufValue.StringValue.class::isInstance)
                .map(v -> ((GgufValue.StringValue) v).value());
    }

    /**
     * @param key metadata key
     * @return the value if it is present and of an integer type (UINT64 above {@code Long.MAX_VALUE} as raw bits)
     */
    public OptionalLong getInteger(String key) {
        GgufValue v = metadata.get(key);
        return v instanceof GgufValue.IntValue i ? OptionalLong.of(i.value()) : OptionalLong.empty();
    }

    /**
     * @param key metadata key
     * @return the value if it is present and a FLOAT32 or FLOAT64
     */
    public Optional<Double> getFloat(String key) {
        GgufValue v = metadata.get(key);
        return v instanceof GgufValue.FloatValue f ? Optional.of(f.value()) : Optional.empty();
    }

    /**
     * @param key metadata key
     * @return the value if it is present and a BOOL
     */
    public Optional<Boolean> getBoolean(String key) {
        GgufValue v = metadata.get(key);
        return v instanceof GgufValue.BoolValue b ? Optional.of(b.value()) : Optional.empty();
    }

    /**
     * @param key metadata key
     * @return the value if it is present and an array
     */
    public Optional<GgufValue.ArrayValue> getArray(String key) {
        GgufValue v = metadata.get(key);
        return v instanceof GgufValue.ArrayValue a ? Optional.of(a) : Optional.empty();
    }

    /**
     * @param key metadata key
     * @return the number of elements if the value is an array
     */
    public OptionalInt arrayLength(String key) {
        return getArray(key).map(a -> OptionalInt.of(a.size())).orElse(OptionalInt.empty());
    }

    /**
     * @param name tensor name
     * @return its description, if the file has such a tensor
     */
    public Optional<GgufTensorInfo> tensor(String name) {
        for (GgufTensorInfo t : tensors) {
            if (t.name().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** @return {@code general.architecture}, such as {@code qwen2} or {@code llama} */
    public Optional<String> architecture() {
        return getString("general.architecture");
    }

    @Override
    public String toString() {
        return "GgufFile[" + source + ", v" + version + ", " + metadata.size() + " keys, " + tensors.size()
                + " tensors]";
    }
}
