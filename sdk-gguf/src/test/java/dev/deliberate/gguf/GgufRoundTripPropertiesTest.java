package dev.deliberate.gguf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/** Whatever metadata the writer accepts, the reader returns unchanged, in order. */
class GgufRoundTripPropertiesTest {

    @Property(tries = 100)
    void anyMetadataSurvivesWriteAndRead(@ForAll("metadata") Map<String, GgufValue> metadata) throws IOException {
        Path dir = Files.createTempDirectory("gguf-prop");
        Path file = dir.resolve("m.gguf");
        try {
            GgufWriter w = new GgufWriter();
            metadata.forEach(w::put);
            w.write(file);
            GgufFile read = GgufFile.read(file);
            if (!read.metadata().equals(metadata)
                    || !List.copyOf(read.metadata().keySet()).equals(List.copyOf(metadata.keySet()))) {
                throw new AssertionError("wrote " + metadata + " but read " + read.metadata());
            }
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    @Provide
    Arbitrary<Map<String, GgufValue>> metadata() {
        Arbitrary<String> keys = text().ofMinLength(1).ofMaxLength(20)
                .filter(k -> !k.equals("general.alignment"));
        return Arbitraries.maps(keys, values()).ofMaxSize(12).map(LinkedHashMap::new);
    }

    /** Text without lone surrogates (which UTF-8 cannot carry; pairs are covered by the unit tests). */
    private static net.jqwik.api.arbitraries.StringArbitrary text() {
        return Arbitraries.strings().withCharRange('\u0000', '\uD7FF').withCharRange('\uE000', '\uFFFD');
    }

    private Arbitrary<GgufValue> values() {
        Arbitrary<GgufValue> scalars = Arbitraries.oneOf(
                Arbitraries.integers().between(0, 255).map(v -> new GgufValue.IntValue(GgufValueType.UINT8, v)),
                Arbitraries.bytes().map(v -> new GgufValue.IntValue(GgufValueType.INT8, v)),
                Arbitraries.integers().between(0, 65535).map(v -> new GgufValue.IntValue(GgufValueType.UINT16, v)),
                Arbitraries.shorts().map(v -> new GgufValue.IntValue(GgufValueType.INT16, v)),
                Arbitraries.longs().between(0, 0xFFFF_FFFFL).map(GgufValue::uint32),
                Arbitraries.integers().map(GgufValue::int32),
                Arbitraries.longs().map(GgufValue::uint64),
                Arbitraries.longs().map(GgufValue::int64),
                Arbitraries.floats().map(GgufValue::float32),
                Arbitraries.doubles().map(GgufValue::float64),
                Arbitraries.of(true, false).map(GgufValue::bool),
                text().ofMaxLength(40).map(GgufValue::string));
        Arbitrary<GgufValue.ArrayValue> flatArrays = Arbitraries.oneOf(
                text().ofMaxLength(10).list().ofMaxSize(5).map(GgufValue.ArrayValue::ofStrings),
                Arbitraries.longs().between(Integer.MIN_VALUE, Integer.MAX_VALUE).list().ofMaxSize(6)
                        .map(l -> GgufValue.ArrayValue.ofIntegers(GgufValueType.INT32,
                                l.stream().mapToLong(Long::longValue).toArray())),
                Arbitraries.floats().list().ofMaxSize(6)
                        .map(l -> GgufValue.ArrayValue.ofFloats(GgufValueType.FLOAT32,
                                l.stream().mapToDouble(Float::doubleValue).toArray())),
                Arbitraries.of(true, false).list().ofMaxSize(4).map(l -> {
                    boolean[] b = new boolean[l.size()];
                    for (int i = 0; i < b.length; i++) {
                        b[i] = l.get(i);
                    }
                    return GgufValue.ArrayValue.ofBooleans(b);
                }));
        Arbitrary<GgufValue.ArrayValue> nested = flatArrays.list().ofMaxSize(3).map(GgufValue.ArrayValue::ofArrays);
        return Arbitraries.frequencyOf(
                Tuple.of(4, scalars),
                Tuple.of(2, flatArrays.map(a -> (GgufValue) a)),
                Tuple.of(1, nested.map(a -> (GgufValue) a)));
    }
}
