package dev.deliberate.medical.dicom;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * An immutable DICOM dataset (or sequence item): elements ordered by tag, with typed getters that return
 * {@link Optional} for absent attributes. Change one through {@link #toBuilder()}.
 *
 * <p>Getters take packed tags, e.g. {@code ds.getString(Tags.PatientName)}. Parsing lives in {@link DicomReader},
 * encoding in {@link DicomWriter}, names in {@link DataDictionary}, text decoding in {@link SpecificCharacterSet}.
 */
public final class DicomObject implements Iterable<DicomElement> {

    private static final DicomObject EMPTY = new DicomObject(new DicomElement[0], -1);

    private final DicomElement[] elements; // sorted by unsigned tag, no duplicates
    private final long sourceOffset;

    /** Internal: takes ownership of a sorted, duplicate-free array. */
    DicomObject(DicomElement[] sorted, long sourceOffset) {
        this.elements = sorted;
        this.sourceOffset = sourceOffset;
    }

    /** The empty dataset. */
    public static DicomObject empty() {
        return EMPTY;
    }

    /** A builder for a new dataset. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this dataset's elements. */
    public Builder toBuilder() {
        Builder b = new Builder();
        for (DicomElement e : elements) {
            b.set(e);
        }
        return b;
    }

    private int index(int tag) {
        int lo = 0;
        int hi = elements.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = Integer.compareUnsigned(elements[mid].tag(), tag);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    /** The element with this tag. */
    public Optional<DicomElement> get(int tag) {
        int i = index(tag);
        return i < 0 ? Optional.empty() : Optional.of(elements[i]);
    }

    /** Whether an element with this tag is present (even with an empty value). */
    public boolean contains(int tag) {
        return index(tag) >= 0;
    }

    /** The number of elements (not counting nested ones). */
    public int size() {
        return elements.length;
    }

    /** Whether there are no elements. */
    public boolean isEmpty() {
        return elements.length == 0;
    }

    /** The elements in tag order (an unmodifiable view). */
    public List<DicomElement> elements() {
        return Collections.unmodifiableList(Arrays.asList(elements));
    }

    @Override
    public Iterator<DicomElement> iterator() {
        return elements().iterator();
    }

    /** The first value as a string (text, or a binary number in decimal). */
    public Optional<String> getString(int tag) {
        int i = index(tag);
        return i < 0 ? Optional.empty() : elements[i].string();
    }

    /** All values as strings; empty when absent or empty. */
    public List<String> getStrings(int tag) {
        int i = index(tag);
        return i < 0 ? List.of() : elements[i].strings();
    }

    /**
     * The first value as an int (US SS UL SL IS ...).
     *
     * @throws DicomValueException when the value is not an integer that fits an int
     */
    public OptionalInt getInt(int tag) {
        int i = index(tag);
        if (i < 0) {
            return OptionalInt.empty();
        }
        int[] v = elements[i].ints();
        return v.length == 0 ? OptionalInt.empty() : OptionalInt.of(v[0]);
    }

    /** All values as ints; empty array when absent. */
    public int[] getInts(int tag) {
        int i = index(tag);
        return i < 0 ? new int[0] : elements[i].ints();
    }

    /** The first value as a long (for UL, SV, UV). */
    public OptionalLong getLong(int tag) {
        int i = index(tag);
        if (i < 0) {
            return OptionalLong.empty();
        }
        long[] v = elements[i].longs();
        return v.length == 0 ? OptionalLong.empty() : OptionalLong.of(v[0]);
    }

    /**
     * The first value as a double (DS IS FL FD and integers).
     *
     * @throws DicomValueException when a text value is not a number
     */
    public OptionalDouble getDouble(int tag) {
        int i = index(tag);
        if (i < 0) {
            return OptionalDouble.empty();
        }
        double[] v = elements[i].doubles();
        return v.length == 0 ? OptionalDouble.empty() : OptionalDouble.of(v[0]);
    }

    /** All values as doubles; empty array when absent. */
    public double[] getDoubles(int tag) {
        int i = index(tag);
        return i < 0 ? new double[0] : elements[i].doubles();
    }

    /** The sequence of an SQ element. */
    public Optional<Sequence> getSequence(int tag) {
        int i = index(tag);
        return i < 0 ? Optional.empty() : elements[i].sequence();
    }

    /** The inline value bytes (little-endian for binary VRs); empty when absent or kept as bulk data. */
    public Optional<byte[]> getBytes(int tag) {
        int i = index(tag);
        return i < 0 ? Optional.empty() : elements[i].bytes();
    }

    /** The bulk data of an element that was read lazily. */
    public Optional<BulkData> getBulkData(int tag) {
        int i = index(tag);
        return i < 0 ? Optional.empty() : elements[i].bulkData();
    }

    /** The first value of a PN element as a {@link PersonName}. */
    public Optional<PersonName> getPersonName(int tag) {
        return getString(tag).map(PersonName::parse);
    }

    /**
     * The first value of a DA element ({@code YYYYMMDD}, or the old {@code YYYY.MM.DD}).
     *
     * @throws DicomValueException when the value is not a valid date
     */
    public Optional<java.time.LocalDate> getDate(int tag) {
        Optional<String> s = getString(tag);
        if (s.isEmpty() || s.get().isBlank()) {
            return Optional.empty();
        }
        String v = s.get().strip().replace(".", "");
        try {
            if (v.length() != 8) {
                throw new java.time.DateTimeException("length");
            }
            return Optional.of(java.time.LocalDate.of(Integer.parseInt(v.substring(0, 4)),
                    Integer.parseInt(v.substring(4, 6)), Integer.parseInt(v.substring(6, 8))));
        } catch (java.time.DateTimeException | NumberFormatException e) {
            throw new DicomValueException(tag, "value '" + s.get() + "' is not a date (YYYYMMDD)");
        }
    }

    /**
     * The first value of a TM element ({@code HH}, {@code HHMM}, {@code HHMMSS}, {@code HHMMSS.FFFFFF}, or the old
     * {@code HH:MM:SS}).
     *
     * @throws DicomValueException when the value is not a valid time
     */
    public Optional<java.time.LocalTime> getTime(int tag) {
        Optional<String> s = getString(tag);
        if (s.isEmpty() || s.get().isBlank()) {
            return Optional.empty();
        }
        String v = s.get().strip().replace(":", "");
        try {
            String frac = "";
            int dot = v.indexOf('.');
            if (dot >= 0) {
                frac = v.substring(dot + 1);
                v = v.substring(0, dot);
            }
            if (v.length() < 2 || v.length() > 6 || v.length() % 2 != 0 || frac.length() > 9) {
                throw new java.time.DateTimeException("format");
            }
            int h = Integer.parseInt(v.substring(0, 2));
            int m = v.length() >= 4 ? Integer.parseInt(v.substring(2, 4)) : 0;
            int sec = v.length() >= 6 ? Integer.parseInt(v.substring(4, 6)) : 0;
            int nanos = frac.isEmpty() ? 0 : Integer.parseInt((frac + "000000000").substring(0, 9));
            return Optional.of(java.time.LocalTime.of(h, m, Math.min(sec, 59), nanos)); // 60: leap second
        } catch (java.time.DateTimeException | NumberFormatException e) {
            throw new DicomValueException(tag, "value '" + s.get() + "' is not a time (HHMMSS.FFFFFF)");
        }
    }

    /** The character set named by this dataset's own Specific Character Set (0008,0005), or the default. */
    public SpecificCharacterSet specificCharacterSet() {
        int i = index(Tags.SpecificCharacterSet);
        return i < 0 ? SpecificCharacterSet.DEFAULT : SpecificCharacterSet.of(elements[i].strings());
    }

    /**
     * Finds a private attribute by its creator: the tag where element {@code elementByte} of the block that
     * {@code creator} reserved in {@code group} lives.
     *
     * @return the packed tag, or empty when the creator has no block in that group
     */
    public OptionalInt privateTag(String creator, int group, int elementByte) {
        for (int block = 0x10; block <= 0xFF; block++) {
            int t = (group << 16) | block;
            int i = index(t);
            if (i >= 0 && elements[i].string().map(s -> s.strip().equals(creator.strip())).orElse(false)) {
                return OptionalInt.of((group << 16) | (block << 8) | (elementByte & 0xFF));
            }
        }
        return OptionalInt.empty();
    }

    /**
     * Rewrites every element at every nesting level, depth first: the items of a sequence are rewritten before the
     * sequence element itself is offered to the rewriter. Returns a new dataset; this one is unchanged.
     *
     * @throws IllegalArgumentException when the rewriter returns an element with another tag
     */
    public DicomObject rewrite(ElementRewriter rewriter) {
        return rewrite(rewriter, List.of());
    }

    private DicomObject rewrite(ElementRewriter rewriter, List<Integer> path) {
        List<DicomElement> out = new ArrayList<>(elements.length);
        boolean changed = false;
        for (DicomElement e : elements) {
            DicomElement current = e;
            if (e.sequence().isPresent()) {
                List<Integer> inner = new ArrayList<>(path);
                inner.add(e.tag());
                List<Integer> innerPath = List.copyOf(inner);
                List<DicomObject> items = new ArrayList<>();
                boolean itemsChanged = false;
                for (DicomObject item : e.sequence().get()) {
                    DicomObject r = item.rewrite(rewriter, innerPath);
                    itemsChanged |= r != item;
                    items.add(r);
                }
                if (itemsChanged) {
                    current = new DicomElement(e.tag(), e.vr(), new Sequence(items), e.charset());
                }
            }
            Optional<DicomElement> r = rewriter.rewrite(path, current);
            if (r.isPresent() && r.get().tag() != e.tag()) {
                throw new IllegalArgumentException("rewriter changed tag " + Tag.toString(e.tag()) + " to "
                        + Tag.toString(r.get().tag()));
            }
            changed |= r.isEmpty() || r.get() != e;
            r.ifPresent(out::add);
        }
        return changed ? new DicomObject(out.toArray(new DicomElement[0]), sourceOffset) : this;
    }

    /** Where this item started in the file it was read from (the item tag's offset), if it was read from one. */
    public OptionalLong sourceOffset() {
        return sourceOffset < 0 ? OptionalLong.empty() : OptionalLong.of(sourceOffset);
    }

    /** Same elements (values compared as {@link DicomElement#equals} does). */
    @Override
    public boolean equals(Object o) {
        return o instanceof DicomObject && Arrays.equals(elements, ((DicomObject) o).elements);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(elements);
    }

    /** One line per element, nested items indented. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        append(sb, "");
        return sb.toString();
    }

    private void append(StringBuilder sb, String indent) {
        for (DicomElement e : elements) {
            sb.append(indent).append(e).append('\n');
            e.sequence().ifPresent(s -> {
                for (DicomObject item : s) {
                    sb.append(indent).append("  (item)\n");
                    item.append(sb, indent + "    ");
                }
            });
        }
    }

    /** Builds a {@link DicomObject}; not thread-safe. Elements are kept ordered by tag; setting a tag replaces it. */
    public static final class Builder {
        private final TreeMap<Integer, DicomElement> map = new TreeMap<>(Integer::compareUnsigned);
        private long sourceOffset = -1;

        private Builder() {}

        /** Adds or replaces an element. */
        public Builder set(DicomElement element) {
            map.put(element.tag(), Objects.requireNonNull(element, "element"));
            return this;
        }

        /** Sets text values, with the VR from the standard dictionary. */
        public Builder setString(int tag, String... values) {
            return set(DicomElement.ofStrings(tag, dictionaryVR(tag), values));
        }

        /** Sets text values with an explicit VR. */
        public Builder setString(int tag, VR vr, String... values) {
            return set(DicomElement.ofStrings(tag, vr, values));
        }

        /** Sets integer values (US SS UL SL SV UV AT, or IS/DS text), with the VR from the dictionary. */
        public Builder setInt(int tag, int... values) {
            return setInt(tag, dictionaryVR(tag), values);
        }

        /** Sets integer values with an explicit VR. */
        public Builder setInt(int tag, VR vr, int... values) {
            long[] l = new long[values.length];
            for (int i = 0; i < values.length; i++) {
                l[i] = vr == VR.UL || vr == VR.AT || vr == VR.UV ? values[i] & 0xFFFFFFFFL : values[i];
            }
            return set(DicomElement.ofLongs(tag, vr, l));
        }

        /** Sets floating point values (FL FD OF OD, or DS text), with the VR from the dictionary. */
        public Builder setDouble(int tag, double... values) {
            return set(DicomElement.ofDoubles(tag, dictionaryVR(tag), values));
        }

        /** Sets floating point values with an explicit VR. */
        public Builder setDouble(int tag, VR vr, double... values) {
            return set(DicomElement.ofDoubles(tag, vr, values));
        }

        /** Sets raw little-endian bytes. */
        public Builder setBytes(int tag, VR vr, byte[] value) {
            return set(DicomElement.ofBytes(tag, vr, value));
        }

        /** Sets a sequence. */
        public Builder setSequence(int tag, List<DicomObject> items) {
            return set(DicomElement.ofSequence(tag, new Sequence(items)));
        }

        /** Sets bulk data. */
        public Builder setBulkData(int tag, VR vr, BulkData bulk) {
            return set(DicomElement.ofBulkData(tag, vr, bulk));
        }

        /** Removes an element; nothing happens when it is absent. */
        public Builder remove(int tag) {
            map.remove(tag);
            return this;
        }

        /** Removes every element the predicate selects (top level only). */
        public Builder removeIf(Predicate<DicomElement> predicate) {
            map.values().removeIf(predicate);
            return this;
        }

        /** The element currently set for this tag. */
        public Optional<DicomElement> get(int tag) {
            return Optional.ofNullable(map.get(tag));
        }

        /** Whether an element is set for this tag. */
        public boolean contains(int tag) {
            return map.containsKey(tag);
        }

        /** Internal: remembers where an item came from. */
        Builder sourceOffset(long offset) {
            this.sourceOffset = offset;
            return this;
        }

        /** The dataset. The builder can be used further. */
        public DicomObject build() {
            return new DicomObject(map.values().toArray(new DicomElement[0]), sourceOffset);
        }

        private static VR dictionaryVR(int tag) {
            return DataDictionary.standard().vr(tag).orElseThrow(() -> new IllegalArgumentException(
                    Tag.toString(tag) + " is not in the standard dictionary; give the VR"));
        }
    }

    /** Internal: sorts an element list by tag, keeping the last of duplicates. */
    static DicomElement[] sortedUnique(List<DicomElement> list) {
        DicomElement[] a = list.toArray(new DicomElement[0]);
        boolean sorted = true;
        for (int i = 1; i < a.length; i++) {
            // unsigned order without a call per element (this runs once per dataset read)
            if ((a[i - 1].tag ^ Integer.MIN_VALUE) >= (a[i].tag ^ Integer.MIN_VALUE)) {
                sorted = false;
                break;
            }
        }
        if (sorted) {
            return a;
        }
        TreeMap<Integer, DicomElement> m = new TreeMap<>(Integer::compareUnsigned);
        for (DicomElement e : a) {
            m.put(e.tag(), e);
        }
        return new ArrayList<>(m.values()).toArray(new DicomElement[0]);
    }
}
