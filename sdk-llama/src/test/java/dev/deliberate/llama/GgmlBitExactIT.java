package dev.deliberate.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.deliberate.core.testing.Peers;
import dev.deliberate.gguf.GgmlType;
import dev.deliberate.gguf.GgufFile;
import dev.deliberate.gguf.GgufTensorInfo;
import dev.deliberate.gguf.GgufTensorReader;
import dev.deliberate.gguf.GgufWriter;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Deliberate's quantizers and dequantizers against ggml's own, byte for byte: the llama.cpp library the binding
 * loads (build b4916) exports ggml's {@code quantize_row_*_ref} and {@code dequantize_row_*}, which this test calls
 * through Java 17's incubating foreign-function API. For each type, 512 rows of 256 Gaussian values: the blocks
 * {@link GgufWriter} writes must equal the blocks ggml's reference quantizer writes, and {@link GgufTensorReader}'s
 * floats must equal, bit for bit, what ggml's dequantizer makes of the same blocks.
 *
 * <p>Runs on JDK 17 only (the module {@code jdk.incubator.foreign} and its API changed in later JDKs); the module is
 * added to the test JVM by a JDK-17 profile in this module's POM. Elsewhere the test is skipped.
 */
class GgmlBitExactIT {

    private static final int N = 256 * 512;

    @TempDir
    static Path dir;

    private static Foreign ffi;

    @BeforeAll
    static void load() throws Exception {
        NativeRuntime.init();
        try {
            Class.forName("de.kherud.llama.LlamaModel"); // its static initialiser loads the native library
        } catch (UnsatisfiedLinkError e) {
            Peers.require(false, "the llama.cpp native library (" + e.getMessage() + ")");
        }
        Optional<Foreign> f = Foreign.open();
        Assumptions.assumeTrue(f.isPresent(), "jdk.incubator.foreign (JDK 17 with --add-modules) not available");
        ffi = f.get();
    }

    private static String cName(GgmlType type) {
        String n = type.name().toLowerCase(Locale.ROOT);
        return n.endsWith("_k") ? n.substring(0, n.length() - 2) + "_K" : n;
    }

    @ParameterizedTest
    @EnumSource(names = {"Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void quantizedBlocksAndDecodedFloatsEqualGgmls(GgmlType type) throws Throwable {
        float[] x = new float[N];
        Random r = new Random(type.code());
        for (int i = 0; i < N; i++) {
            x[i] = (float) r.nextGaussian() * 0.02f;
        }
        x[7] = 0.5f; // an outlier, and a block of zeros
        Arrays.fill(x, 1024, 1024 + 256, 0f);

        Path file = dir.resolve(type + ".gguf");
        new GgufWriter().tensor("w", type, List.of(256L, (long) N / 256), s -> s.accept(x, 0, N)).write(file);
        GgufFile header = GgufFile.read(file);
        GgufTensorInfo t = header.tensor("w").orElseThrow();
        int bytes = (int) t.byteSize().orElseThrow();
        byte[] ours = new byte[bytes];
        ByteBuffer.wrap(Files.readAllBytes(file), (int) (header.dataOffset() + t.offset()), bytes).get(ours);
        float[] ourFloats;
        try (GgufTensorReader reader = GgufTensorReader.open(file, header)) {
            ourFloats = reader.readFloats(t);
        }

        byte[] theirs = ffi.quantize("quantize_row_" + cName(type) + "_ref", x, bytes);
        int blockBytes = type.blockBytes();
        for (int b = 0; b < bytes / blockBytes; b++) {
            int at = b * blockBytes;
            assertArrayEquals(Arrays.copyOfRange(theirs, at, at + blockBytes),
                    Arrays.copyOfRange(ours, at, at + blockBytes), type + " block " + b);
        }
        float[] ggmlFloats = ffi.dequantize("dequantize_row_" + cName(type), ours, N);
        for (int i = 0; i < N; i++) {
            assertEquals(Float.floatToIntBits(ggmlFloats[i]), Float.floatToIntBits(ourFloats[i]),
                    type + " value " + i + ": ggml " + ggmlFloats[i] + ", Deliberate " + ourFloats[i]);
        }
    }

    /** The few calls of JDK 17's jdk.incubator.foreign this test needs, by reflection (no compile-time module). */
    static final class Foreign {
        private final Object linker;
        private final Object lookup;
        private final Class<?> cLinker;
        private final Class<?> symbolLookup;
        private final Class<?> fd;
        private final Class<?> addressable;
        private final Class<?> memoryAddress;
        private final Class<?> memorySegment;
        private final Class<?> resourceScope;
        private final Object descriptor;

        private Foreign() throws ReflectiveOperationException {
            cLinker = Class.forName("jdk.incubator.foreign.CLinker");
            symbolLookup = Class.forName("jdk.incubator.foreign.SymbolLookup");
            Class<?> layout = Class.forName("jdk.incubator.foreign.MemoryLayout");
            fd = Class.forName("jdk.incubator.foreign.FunctionDescriptor");
            addressable = Class.forName("jdk.incubator.foreign.Addressable");
            memoryAddress = Class.forName("jdk.incubator.foreign.MemoryAddress");
            memorySegment = Class.forName("jdk.incubator.foreign.MemorySegment");
            resourceScope = Class.forName("jdk.incubator.foreign.ResourceScope");
            linker = cLinker.getMethod("getInstance").invoke(null);
            lookup = symbolLookup.getMethod("loaderLookup").invoke(null);
            Object ptr = cLinker.getField("C_POINTER").get(null);
            Object i64 = cLinker.getField("C_LONG_LONG").get(null);
            Object layouts = Array.newInstance(layout, 3);
            Array.set(layouts, 0, ptr);
            Array.set(layouts, 1, ptr);
            Array.set(layouts, 2, i64);
            descriptor = fd.getMethod("ofVoid", layouts.getClass()).invoke(null, layouts);
        }

        static Optional<Foreign> open() {
            try {
                return Optional.of(new Foreign());
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                return Optional.empty();
            }
        }

        /** A handle to {@code void name(const void *, void *, int64_t)}. */
        private MethodHandle function(String name) throws ReflectiveOperationException {
            Optional<?> symbol = (Optional<?>) symbolLookup.getMethod("lookup", String.class).invoke(lookup, name);
            Object sym = symbol.orElseThrow(() -> new AssertionError("libjllama exports no " + name));
            MethodType type = MethodType.methodType(void.class, memoryAddress, memoryAddress, long.class);
            return (MethodHandle) cLinker.getMethod("downcallHandle", addressable, MethodType.class, fd)
                    .invoke(linker, sym, type, descriptor);
        }

        private Object scope() throws ReflectiveOperationException {
            return resourceScope.getMethod("newConfinedScope").invoke(null);
        }

        private Object allocate(long bytes, Object scope) throws ReflectiveOperationException {
            return memorySegment.getMethod("allocateNative", long.class, resourceScope).invoke(null, bytes, scope);
        }

        private Object address(Object segment) throws ReflectiveOperationException {
            return memorySegment.getMethod("address").invoke(segment);
        }

        private ByteBuffer buffer(Object segment) throws ReflectiveOperationException {
            return ((ByteBuffer) memorySegment.getMethod("asByteBuffer").invoke(segment))
                    .order(ByteOrder.nativeOrder());
        }

        byte[] quantize(String name, float[] x, int bytes) throws Throwable {
            MethodHandle f = function(name);
            Object scope = scope();
            try {
                Object in = allocate(4L * x.length, scope);
                buffer(in).asFloatBuffer().put(x);
                Object out = allocate(bytes, scope);
                f.invokeWithArguments(address(in), address(out), (long) x.length);
                byte[] result = new byte[bytes];
                buffer(out).get(result);
                return result;
            } finally {
                resourceScope.getMethod("close").invoke(scope);
            }
        }

        float[] dequantize(String name, byte[] blocks, int values) throws Throwable {
            MethodHandle f = function(name);
            Object scope = scope();
            try {
                Object in = allocate(blocks.length, scope);
                buffer(in).put(blocks);
                Object out = allocate(4L * values, scope);
                f.invokeWithArguments(address(in), address(out), (long) values);
                float[] result = new float[values];
                buffer(out).asFloatBuffer().get(result);
                return result;
            } finally {
                resourceScope.getMethod("close").invoke(scope);
            }
        }
    }
}
