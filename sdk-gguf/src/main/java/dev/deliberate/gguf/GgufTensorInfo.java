package dev.deliberate.gguf;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The description of one tensor in a GGUF header. The data itself is not read.
 *
 * @param name     tensor name, such as {@code blk.0.attn_q.weight}
 * @param shape    dimensions in ggml order: {@code shape.get(0)} is the fastest-varying (row length); a PyTorch
 *                 {@code (out, in)} matrix has GGUF shape {@code [in, out]}
 * @param typeCode the {@code ggml_type} code of the elements (see {@link #type()})
 * @param offset   offset of the data from the start of the file's data section (not from the start of the file)
 */
public record GgufTensorInfo(String name, List<Long> shape, int typeCode, long offset) {

    /** Checks there are at most 4 non-negative dimensions whose product fits a {@code long}, and the offset. */
    public GgufTensorInfo {
        Objects.requireNonNull(name, "name");
        shape = List.copyOf(shape);
        if (shape.size() > 4) {
            throw new IllegalArgumentException(name + ": a tensor has at most 4 dimensions, not " + shape.size());
        }
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(name + ": negative dimension " + d);
            }
            n = Math.multiplyExact(n, d);
        }
        if (offset < 0) {
            throw new IllegalArgumentException(name + ": negative offset " + offset);
        }
    }

    /** @return the number of elements (product of the dimensions) */
    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d; // cannot overflow: checked in the constructor
        }
        return n;
    }

    /** @return the element type, if this version of Deliberate knows the code */
    public Optional<GgmlType> type() {
        return GgmlType.byCode(typeCode);
    }

    /** @return the element type's name ({@code Q8_0}), or {@code type 42} for an unknown code */
    public String typeName() {
        return type().map(Enum::name).orElse("type " + typeCode);
    }

    /**
     * @return size of the data in bytes, when the type is known and the row length is a whole number of blocks
     */
    public OptionalLong byteSize() {
        Optional<GgmlType> t = type();
        if (t.isEmpty() || (!shape.isEmpty() && shape.get(0) % t.get().blockSize() != 0)) {
            return OptionalLong.empty();
        }
        if (elementCount() % t.get().blockSize() != 0) {
            return OptionalLong.empty();
        }
        long blocks = elementCount() / t.get().blockSize();
        try {
            return OptionalLong.of(Math.multiplyExact(blocks, t.get().blockBytes()));
        } catch (ArithmeticException e) {
            return OptionalLong.empty();
        }
    }
}
