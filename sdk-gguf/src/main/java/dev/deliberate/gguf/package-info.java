/**
 * Reading and writing GGUF, the single-file model format of llama.cpp.
 *
 * <p>{@link dev.deliberate.gguf.GgufFile#read(java.nio.file.Path)} reads only the header of a file (version,
 * metadata, tensor descriptions), never the tensor data, so inspecting a multi-gigabyte model takes milliseconds.
 * Every count and length read from a file is checked against the bytes that remain and against
 * {@link dev.deliberate.gguf.GgufLimits}; malformed input fails with a
 * {@link dev.deliberate.gguf.GgufFormatException} naming the file and the byte offset.
 * {@link dev.deliberate.gguf.GgufSummary} condenses a header into the facts a person asks about first
 * (architecture, size, quantization, context length, chat template). {@link dev.deliberate.gguf.GgufTensorReader}
 * decodes tensor data to floats (F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0 and the k-quants Q2_K to Q6_K, as
 * ggml's {@code dequantize_row_*}); {@link dev.deliberate.gguf.GgufWriter} writes files, atomically, encoding
 * F32, F16 and the same block types with ggml's reference quantizers.
 *
 * <p>Nothing in this package returns {@code null}; absent values are {@link java.util.Optional} or its primitive
 * variants. The format is described in the ggml repository ({@code docs/gguf.md}).
 */
package dev.deliberate.gguf;
