package dev.deliberate.gguf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One GGUF metadata value: an integer, a float, a boolean, a string or an array.
 *
 * <p>Values are immutable. Factories check ranges, so a value that exists can always be written back.
 */
public sealed interface GgufValue
        permits GgufValue.IntValue, GgufValue.FloatValue, GgufValue.BoolValue, GgufValue.StringValue,
                GgufValue.ArrayValue {

    /** @return the type of this value as stored in the file */
    GgufValueType type();

    /**
     * An integer of one of the eight integer types. {@link GgufValueType#UINT64} values above
     * {@link Long#MAX_VALUE} are kept as their two's-complement bits (use {@link Long#toUnsignedString(long)}).
     *
     * @param type  one of the integer types
     * @param value the value, within the range of {@code type}
     */
    record IntValue(GgufValueType type, long value) implements GgufValue {
        /** Checks the type is an integer type and the value fits it. */
        public IntValue {
            Objects.requireNonNull(type, "type");
            if (!type.isInteger()) {
                throw new IllegalArgumentException(type + " is not an integer type");
            }
            long min;
            long max;
            switch (type) {
                case UINT8 -> { min = 0; max = 0xFFL; }
                case INT8 -> { min = Byte.MIN_VALUE; max = Byte.MAX_VALUE; }
                case UINT16 -> { min = 0; max = 0xFFFFL; }
                case INT16 -> { min = Short.MIN_VALUE; max = Short.MAX_VALUE; }
                case UINT32 -> { min = 0; max = 0xFFFF_FFFFL; }
                case INT32 -> { min = Integer.MIN_VALUE; max = Integer.MAX_VALUE; }
                default -> { min = Long.MIN_VALUE; max = Long.MAX_VALUE; }
            }
            if (value < min || value > max) {
                throw new IllegalArgumentException(value + " does not fit " + type);
            }
        }

        @Override
        public String toString() {
            return type == GgufValueType.UINT64 ? Long.toUnsignedString(value) : Long.toString(value);
        }
    }

    /**
     * A {@link GgufValueType#FLOAT32} or {@link GgufValueType#FLOAT64} value.
     *
     * @param type  FLOAT32 or FLOAT64
     * @param value the value (for FLOAT32, exactly representable as a float)
     */
    record FloatValue(GgufValueType type, double value) implements GgufValue {
        /** Checks the type is a float type. */
        public FloatValue {
            Objects.requireNonNull(type, "type");
            if (!type.isFloat()) {
                throw new IllegalArgumentException(type + " is not a float type");
            }
            if (type == GgufValueType.FLOAT32 && !Double.isNaN(value) && (double) (float) value != value) {
                throw new IllegalArgumentException(value + " is not exactly a FLOAT32");
            }
        }

        @Override
        public String toString() {
            return type == GgufValueType.FLOAT32 ? Float.toString((float) value) : Double.toString(value);
        }
    }

    /**
     * A boolean.
     *
     * @param value the value
     */
    record BoolValue(boolean value) implements GgufValue {
        @Override
        public GgufValueType type() {
            return GgufValueType.BOOL;
        }

        @Override
        public String toString() {
            return Boolean.toString(value);
        }
    }

    /**
     * A UTF-8 string.
     *
     * @param value the text
     */
    record StringValue(String value) implements GgufValue {
        /** Rejects null. */
        public StringValue {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public GgufValueType type() {
            return GgufValueType.STRING;
        }

        @Override
        public String toString() {
            return value;
        }
    }

    /**
     * An array of values that all have the same type. Numeric arrays are stored compactly (primitive arrays), so a
     * vocabulary of 150,000 token types costs about a megabyte, not fifty.
     */
    final class ArrayValue implements GgufValue {
        private final GgufValueType elementType;
        private final int size;
        private final long[] longs;
        private final double[] doubles;
        private final boolean[] bools;
        private final List<String> strings;
        private final List<GgufValue> arrays;

        private ArrayValue(GgufValueType elementType, int size, long[] longs, double[] doubles, boolean[] bools,
                List<String> strings, List<GgufValue> arrays) {
            this.elementType = elementType;
            this.size = size;
            this.longs = longs;
            this.doubles = doubles;
            this.bools = bools;
            this.strings = strings;
            this.arrays = arrays;
        }

        /**
         * @param elementType an integer type
         * @param values      the elements, each within the range of {@code elementType}
         * @return an integer array
         */
        public static ArrayValue ofIntegers(GgufValueType elementType, long... values) {
            for (long v : values) {
                new IntValue(elementType, v); // range check
            }
            return new ArrayValue(elementType, values.length, values.clone(), null, null, null, null);
        }

        /**
         * @param elementType FLOAT32 or FLOAT64
         * @param values      the elements
         * @return a float array
         */
        public static ArrayValue ofFloats(GgufValueType elementType, double... values) {
            for (double v : values) {
                new FloatValue(elementType, v);
            }
            return new ArrayValue(elementType, values.length, null, values.clone(), null, null, null);
        }

        /**
         * @param values the elements
         * @return a boolean array
         */
        public static ArrayValue ofBooleans(boolean... values) {
            return new ArrayValue(GgufValueType.BOOL, values.length, null, null, values.clone(), null, null);
        }

        /**
         * @param values the elements, none null
         * @return a string array
         */
        public static ArrayValue ofStrings(List<String> values) {
            List<String> copy = List.copyOf(values);
            return new ArrayValue(GgufValueType.STRING, copy.size(), null, null, null, copy, null);
        }

        /**
         * @param values nested arrays (GGUF allows arrays of arrays)
         * @return an array of arrays
         */
        public static ArrayValue ofArrays(List<ArrayValue> values) {
            List<GgufValue> copy = List.copyOf(values);
            return new ArrayValue(GgufValueType.ARRAY, copy.size(), null, null, null, null, copy);
        }

        @Override
        public GgufValueType type() {
            return GgufValueType.ARRAY;
        }

        /** @return the type every element has */
        public GgufValueType elementType() {
            return elementType;
        }

        /** @return the number of elements */
        public int size() {
            return size;
        }

        /**
         * @param index element index, {@code 0 <= index < size()}
         * @return the element as a value
         */
        public GgufValue get(int index) {
            Objects.checkIndex(index, size);
            if (longs != null) {
                return new IntValue(elementType, longs[index]);
            } else if (doubles != null) {
                return new FloatValue(elementType, doubles[index]);
            } else if (bools != null) {
                return new BoolValue(bools[index]);
            } else if (strings != null) {
                return new StringValue(strings.get(index));
            }
            return arrays.get(index);
        }

        /**
         * @return the elements of a string array
         * @throws IllegalStateException if the elements are not strings
         */
        public List<String> strings() {
            if (strings == null) {
                throw new IllegalStateException("array of " + elementType + ", not of STRING");
            }
            return strings;
        }

        /**
         * @return a copy of the elements of an integer array (UINT64 above {@code Long.MAX_VALUE} as raw bits)
         * @throws IllegalStateException if the elements are not integers
         */
        public long[] longs() {
            if (longs == null) {
                throw new IllegalStateException("array of " + elementType + ", not of an integer type");
            }
            return longs.clone();
        }

        /**
         * @return a copy of the elements of a float array
         * @throws IllegalStateException if the elements are not floats
         */
        public double[] doubles() {
            if (doubles == null) {
                throw new IllegalStateException("array of " + elementType + ", not of a float type");
            }
            return doubles.clone();
        }

        /**
         * @return a copy of the elements of a boolean array
         * @throws IllegalStateException if the elements are not booleans
         */
        public boolean[] booleans() {
            if (bools == null) {
                throw new IllegalStateException("array of " + elementType + ", not of BOOL");
            }
            return bools.clone();
        }

        /** @return all elements as values (materialized; for large numeric arrays prefer the typed accessors) */
        public List<GgufValue> elements() {
            List<GgufValue> out = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                out.add(get(i));
            }
            return Collections.unmodifiableList(out);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ArrayValue a
                    && a.elementType == elementType
                    && a.size == size
                    && Arrays.equals(a.longs, longs)
                    && Arrays.equals(a.doubles, doubles)
                    && Arrays.equals(a.bools, bools)
                    && Objects.equals(a.strings, strings)
                    && Objects.equals(a.arrays, arrays);
        }

        @Override
        public int hashCode() {
            return Objects.hash(elementType, size, Arrays.hashCode(longs), Arrays.hashCode(doubles),
                    Arrays.hashCode(bools), strings, arrays);
        }

        /** Short form: element type and count, and the first elements. */
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("[").append(elementType).append(" x ").append(size).append(": ");
            int shown = Math.min(size, 5);
            for (int i = 0; i < shown; i++) {
                sb.append(i == 0 ? "" : ", ").append(get(i));
            }
            return sb.append(size > shown ? ", ...]" : "]").toString();
        }
    }

    /**
     * @param v a value in 0..255
     * @return a UINT8 value
     */
    static GgufValue uint8(int v) {
        return new IntValue(GgufValueType.UINT8, v);
    }

    /**
     * @param v a value in 0..2^32-1
     * @return a UINT32 value
     */
    static GgufValue uint32(long v) {
        return new IntValue(GgufValueType.UINT32, v);
    }

    /**
     * @param v any int
     * @return an INT32 value
     */
    static GgufValue int32(int v) {
        return new IntValue(GgufValueType.INT32, v);
    }

    /**
     * @param v the value, as unsigned bits
     * @return a UINT64 value
     */
    static GgufValue uint64(long v) {
        return new IntValue(GgufValueType.UINT64, v);
    }

    /**
     * @param v any long
     * @return an INT64 value
     */
    static GgufValue int64(long v) {
        return new IntValue(GgufValueType.INT64, v);
    }

    /**
     * @param v any float
     * @return a FLOAT32 value
     */
    static GgufValue float32(float v) {
        return new FloatValue(GgufValueType.FLOAT32, v);
    }

    /**
     * @param v any double
     * @return a FLOAT64 value
     */
    static GgufValue float64(double v) {
        return new FloatValue(GgufValueType.FLOAT64, v);
    }

    /**
     * @param v the value
     * @return a BOOL value
     */
    static GgufValue bool(boolean v) {
        return new BoolValue(v);
    }

    /**
     * @param v the text
     * @return a STRING value
     */
    static GgufValue string(String v) {
        return new StringValue(v);
    }
}
