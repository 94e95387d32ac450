package dev.deliberate.medical.dicom;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The Part 10 / dataset parser behind {@link DicomReader}. One instance per read; not thread-safe.
 *
 * <p>It recurses once per sequence level, bounded by {@link DicomReadOptions#maxSequenceDepth()}; every length is
 * checked against the remaining bytes, the enclosing item and the configured maxima before anything is allocated.
 */
final class Parser {
    private static final long UNDEFINED = 0xFFFFFFFFL;
    private static final int PIXEL_DATA = 0x7FE00010;
    private static final int FLOAT_PIXEL_DATA = 0x7FE00008;
    private static final int DOUBLE_PIXEL_DATA = 0x7FE00009;
    private static final int WAVEFORM_DATA = 0x54001010;
    private static final DicomElement[] NO_ELEMENTS = new DicomElement[0];

    private ByteInput in;
    private final DicomReadOptions opt;
    /**
     * Asked for only when the data needs it (implicit VR, UN values, signed pixels): explicit VR data never does, and
     * loading the dictionary is about 50 ms of a cold start.
     */
    private DataDictionary dict;
    private boolean explicit;
    private boolean bigEndian;
    private long elementCount;
    private boolean stopped;

    Parser(ByteInput in, DicomReadOptions opt) {
        this.in = in;
        this.opt = opt;
    }

    private DataDictionary dict() {
        if (dict == null) {
            dict = DataDictionary.standard();
        }
        return dict;
    }

    private DicomParseException error(String reason, long offset, Integer tag) {
        return new DicomParseException(reason + (in.inflated ? " (offset in the inflated dataset)" : ""), in.file,
                offset, tag);
    }

    /** Reads a Part 10 file (or, when allowed, a bare dataset). */
    DicomFile readFile() throws IOException {
        DicomObject meta = DicomObject.empty();
        boolean hasPrefix = in.length >= 132 && in.peek(128) == 'D' && in.peek(129) == 'I' && in.peek(130) == 'C'
                && in.peek(131) == 'M';
        TransferSyntax ts;
        if (hasPrefix) {
            in.pos = 132;
            meta = readMeta();
        } else if (!opt.allowMissingFileMeta()) {
            throw new MissingFileMetaException(in.file);
        } else if (in.length >= 4 && in.peek(0) == 'D' && in.peek(1) == 'I' && in.peek(2) == 'C'
                && in.peek(3) == 'M') {
            in.pos = 4;
            meta = readMeta();
        } else if (in.length >= 6 && in.peek(0) == 2 && in.peek(1) == 0 && isVR(in.peek(4), in.peek(5))) {
            meta = readMeta(); // meta group without preamble
        }
        String tsUid = meta.getString(Tags.TransferSyntaxUID).orElse(null);
        long dataStart = in.pos;
        if (tsUid == null || tsUid.isEmpty()) {
            ts = guess(dataStart);
        } else {
            ts = TransferSyntax.of(tsUid);
            if (!ts.deflated()) {
                ts = checkAgainstData(ts, dataStart);
            }
        }
        ByteInput original = in;
        if (ts.deflated()) {
            in = inflated();
        }
        explicit = ts.explicitVR();
        bigEndian = ts.bigEndian();
        boolean failed = true;
        try {
            DicomObject dataset = readDataset(-1, 0, SpecificCharacterSet.DEFAULT, false, -1);
            failed = false;
            return new DicomFile(meta, dataset, ts);
        } finally {
            finishInflated(original, failed);
        }
    }

    /** Reads a bare dataset in a known transfer syntax (as in DIMSE messages). */
    DicomObject readDataset(TransferSyntax ts) throws IOException {
        ByteInput original = in;
        if (ts.deflated()) {
            in = inflated();
        }
        explicit = ts.explicitVR();
        bigEndian = ts.bigEndian();
        boolean failed = true;
        try {
            DicomObject dataset = readDataset(-1, 0, SpecificCharacterSet.DEFAULT, false, -1);
            failed = false;
            return dataset;
        } finally {
            finishInflated(original, failed);
        }
    }

    /** Consumes an item delimiter (FFFE,E00D) with length 0 that follows at once: an empty undefined-length item. */
    private boolean emptyUndefinedItem() throws IOException {
        if (in.remaining() < 8) {
            return false;
        }
        long p = in.pos;
        boolean delimiter = bigEndian
                ? in.peek(p) == 0xFF && in.peek(p + 1) == 0xFE && in.peek(p + 2) == 0xE0 && in.peek(p + 3) == 0x0D
                : in.peek(p) == 0xFE && in.peek(p + 1) == 0xFF && in.peek(p + 2) == 0x0D && in.peek(p + 3) == 0xE0;
        if (!delimiter || in.peek(p + 4) != 0 || in.peek(p + 5) != 0 || in.peek(p + 6) != 0 || in.peek(p + 7) != 0) {
            return false;
        }
        if (++elementCount > opt.maxElements()) {
            throw error("more than " + opt.maxElements() + " elements", p, null);
        }
        in.pos = p + 8;
        return true;
    }

    private static boolean isVR(int a, int b) {
        return a >= 0 && b >= 0 && VR.byCode(a << 8 | b) != null;
    }

    /** Guesses the transfer syntax of a dataset from its first element, as pydicom and DCMTK do. */
    private TransferSyntax guess(long at) throws IOException {
        if (in.length - at < 8) {
            if (in.length == at) {
                return TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN;
            }
            throw error("too few bytes for a dataset", at, null);
        }
        boolean vr = isVR(in.peek(at + 4), in.peek(at + 5));
        boolean be = in.peek(at) == 0 && in.peek(at + 1) != 0;
        if (be && vr) {
            return TransferSyntax.EXPLICIT_VR_BIG_ENDIAN;
        }
        return vr ? TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN : TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN;
    }

    /** Tolerates a meta group that names explicit VR over implicit data and the reverse (a common writer bug). */
    private TransferSyntax checkAgainstData(TransferSyntax ts, long at) throws IOException {
        if (in.length - at < 8 || ts.bigEndian()) {
            return ts;
        }
        boolean vr = isVR(in.peek(at + 4), in.peek(at + 5));
        if (ts.explicitVR() && !vr) {
            return TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN;
        }
        if (!ts.explicitVR() && vr && in.peek(at + 6) >= 0) {
            // "UL" etc. can be the first two length bytes of implicit data only for absurd lengths
            long len = in.peek(at + 4) | in.peek(at + 5) << 8 | (long) in.peek(at + 6) << 16
                    | (long) in.peek(at + 7) << 24;
            if (len > in.length - at) {
                return TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN;
            }
        }
        return ts;
    }

    private DicomObject readMeta() throws IOException {
        explicit = true;
        bigEndian = false;
        List<DicomElement> list = new ArrayList<>();
        long groupEnd = -1;
        while (in.remaining() >= 8) {
            int group = in.peek(in.pos) | in.peek(in.pos + 1) << 8;
            if (group != 0x0002 || (groupEnd >= 0 && in.pos >= groupEnd && !isVR(in.peek(in.pos + 4),
                    in.peek(in.pos + 5)))) {
                break;
            }
            DicomElement e = readElement(in.pos, -1, 0, SpecificCharacterSet.DEFAULT, list);
            if (e == null) {
                break;
            }
            if (e.tag() == 0x00020000 && e.vr() == VR.UL && e.longs().length == 1) {
                groupEnd = in.pos + e.longs()[0];
            }
            list.add(e);
        }
        return new DicomObject(DicomObject.sortedUnique(list), -1);
    }

    /** Inflated datasets up to this size are kept in memory; larger ones are spilled to a temporary file. */
    static final long IN_MEMORY_INFLATE = 16L << 20;

    /**
     * Inflates the rest of the input by streaming, against {@link DicomReadOptions#maxInflatedLength()}. A dataset of
     * at most {@link #IN_MEMORY_INFLATE} bytes is kept in memory (one pass). A larger one is only counted by the first
     * pass (so a deflate bomb is rejected as soon as it passes the bound, having held no more than that), then
     * inflated again into a temporary file that the parser reads like any file: bulk values stay on disk and only the
     * header sits on the heap.
     */
    private ByteInput inflated() throws IOException {
        ByteInput source = in;
        // Pass 1 keeps the first IN_MEMORY_INFLATE bytes and only counts the rest: a small dataset is done in one pass;
        // a bomb is rejected when it passes the bound, having held no more than that.
        Head head = new Head((int) Math.min(IN_MEMORY_INFLATE, opt.maxInflatedLength()));
        long size = inflate(source, head);
        if (size <= head.buf.length) {
            return ByteInput.of(java.util.Arrays.copyOf(head.buf, (int) size), source.file, true);
        }
        InflatedSpill spill = InflatedSpill.create();
        try {
            try (java.io.OutputStream out = new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(
                    spill.file()), 1 << 18)) {
                if (inflate(source, out) != size) {
                    throw error("the deflated data changed while it was read", source.pos, null);
                }
            }
            return ByteInput.openSpill(spill, source.file);
        } catch (IOException | RuntimeException e) {
            spill.release();
            throw e;
        }
    }

    /** Keeps the first bytes written, counts the others. */
    private static final class Head extends java.io.OutputStream {
        final byte[] buf;
        int at;

        Head(int capacity) {
            buf = new byte[capacity];
        }

        @Override
        public void write(int b) {
            if (at < buf.length) {
                buf[at++] = (byte) b;
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            int n = Math.min(len, buf.length - at);
            if (n > 0) {
                System.arraycopy(b, off, buf, at, n);
                at += n;
            }
        }
    }

    /** Inflates from source.pos to the end into out (or only counts, when out is null); returns the length. */
    private long inflate(ByteInput source, java.io.OutputStream out) throws IOException {
        Inflater inf = new Inflater(true);
        try (java.io.InputStream raw = source.restStream()) {
            byte[] rbuf = new byte[64 * 1024];
            byte[] obuf = new byte[256 * 1024];
            long total = 0;
            while (!inf.finished()) {
                if (inf.needsInput()) {
                    int r = raw.read(rbuf);
                    if (r < 0) {
                        break; // truncated stream: parse what there is; the parser reports the cut
                    }
                    inf.setInput(rbuf, 0, r);
                    continue;
                }
                if (inf.needsDictionary()) {
                    break;
                }
                int n = inf.inflate(obuf);
                total += n;
                if (total > opt.maxInflatedLength()) {
                    throw error("deflated dataset inflates to more than " + opt.maxInflatedLength() + " bytes",
                            source.pos, null);
                }
                if (out != null && n > 0) {
                    out.write(obuf, 0, n);
                }
            }
            return total;
        } catch (DataFormatException e) {
            throw new DicomParseException("corrupt deflate data: " + e.getMessage(), source.file, source.pos, null, e);
        } finally {
            inf.end();
        }
    }

    /** Closes an inflated copy after parsing; deletes it at once when no value refers to it. */
    private void finishInflated(ByteInput original, boolean failed) throws IOException {
        if (in == original) {
            return;
        }
        ByteInput inflatedInput = in;
        inflatedInput.close();
        if (failed || !inflatedInput.bulkHanded) {
            inflatedInput.spill().ifPresent(InflatedSpill::release);
        }
    }

    /**
     * Reads elements until {@code end} (exclusive; -1 = until the data ends or, in an item, an item delimiter).
     */
    private DicomObject readDataset(long end, int depth, SpecificCharacterSet cs, boolean inItem, long itemStart)
            throws IOException {
        List<DicomElement> list = new ArrayList<>(inItem ? 8 : 64);
        SpecificCharacterSet charset = cs;
        while (!stopped) {
            if (end >= 0) {
                if (in.pos >= end) {
                    break;
                }
            } else if (in.remaining() == 0) {
                if (inItem && !opt.allowTruncated()) {
                    throw error("data ends inside an item of undefined length (no item delimiter)", in.pos, null);
                }
                break;
            }
            if (opt.allowTruncated() && in.remaining() < 8) {
                in.pos = in.length; // a header cut short: nothing more can be read
                break;
            }
            long start = in.pos;
            DicomElement e = readElement(start, end, depth, charset, list);
            if (e == null) {
                if (inItem && end < 0) {
                    break; // item delimiter
                }
                continue;
            }
            if (e.tag() == Tags.SpecificCharacterSet) {
                charset = SpecificCharacterSet.of(e.strings());
            }
            list.add(e);
            if (stopped) {
                break;
            }
        }
        if (!explicit) {
            resolveAmbiguousVRs(list);
        }
        return new DicomObject(DicomObject.sortedUnique(list), itemStart);
    }

    /**
     * Implicit VR data leaves "US or SS" attributes ambiguous; like DCMTK and pydicom, use SS when the dataset's
     * Pixel Representation (0028,0103) says pixels are signed.
     */
    private void resolveAmbiguousVRs(List<DicomElement> list) {
        boolean signed = false;
        for (DicomElement e : list) {
            if (e.tag() == 0x00280103) {
                long[] v = e.vr() == VR.US ? e.longs() : new long[0];
                signed = v.length > 0 && v[0] == 1;
                break;
            }
        }
        if (!signed) {
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            DicomElement e = list.get(i);
            if (e.vr() == VR.US && !Tag.isPrivate(e.tag())) {
                java.util.Optional<DictionaryEntry> d = dict().entry(e.tag());
                if (d.isPresent() && d.get().vrs().contains(VR.SS)) {
                    list.set(i, e.withVR(VR.SS));
                }
            }
        }
    }

    /** The 16-bit value at {@code i} in the dataset's byte order. */
    private int u16(byte[] w, int i) {
        return bigEndian ? (w[i] & 0xFF) << 8 | (w[i + 1] & 0xFF) : (w[i] & 0xFF) | (w[i + 1] & 0xFF) << 8;
    }

    /** Reads one element; null for an item delimiter (or a stray one that is skipped). */
    private DicomElement readElement(long start, long end, int depth, SpecificCharacterSet cs,
            List<DicomElement> siblings) throws IOException {
        if (++elementCount > opt.maxElements()) {
            throw error("more than " + opt.maxElements() + " elements", start, null);
        }
        // Every element header is at least 8 bytes. When they are there, read them from the input's window at once
        // rather than through one bounds-checked call per field: the header is most of a cold header scan's work.
        // Shorter input takes the field-by-field path, which reports exactly where the data ends.
        int at = -1;
        int group;
        int element;
        if (in.remaining() >= 8) {
            at = in.ahead(8);
            byte[] w = in.window();
            group = u16(w, at);
            element = u16(w, at + 2);
            in.pos += 4;
        } else {
            group = in.u16(bigEndian, ByteInput.NO_TAG);
            element = in.u16(bigEndian, ByteInput.NO_TAG);
        }
        int tag = group << 16 | element;
        if (group == 0xFFFE) {
            long len = in.u32(bigEndian, tag);
            if (tag == Tag.ITEM_DELIMITATION) {
                if (depth == 0) {
                    throw error("item delimiter outside an item", start, tag);
                }
                return null;
            }
            if (tag == Tag.SEQUENCE_DELIMITATION && end < 0 && depth > 0) {
                throw error("sequence delimiter inside an item (item delimiter missing)", start, tag);
            }
            throw error("unexpected " + (tag == Tag.ITEM ? "item" : "delimiter") + " tag where an element was expected"
                    + " (length " + len + ")", start, tag);
        }
        if (depth == 0 && (opt.stopBeforePixels()
                && (tag == PIXEL_DATA || tag == FLOAT_PIXEL_DATA || tag == DOUBLE_PIXEL_DATA)
                || Integer.toUnsignedLong(tag) >= opt.stopBeforeTag())) {
            stopped = true;
            in.pos = start;
            return null;
        }
        VR vr;
        long len;
        if (explicit) {
            int a;
            int b;
            if (at >= 0) {
                a = in.window()[at + 4] & 0xFF;
                b = in.window()[at + 5] & 0xFF;
                in.pos += 2;
            } else {
                a = in.u8(tag);
                b = in.u8(tag);
            }
            vr = VR.byCode(a << 8 | b);
            if (vr == null) {
                throw error(String.format("invalid VR bytes 0x%02X 0x%02X", a, b), start + 4, tag);
            }
            if (vr.hasLongHeader()) {
                in.u16(bigEndian, tag);
                len = in.u32(bigEndian, tag);
            } else if (at >= 0) {
                len = u16(in.window(), at + 6);
                in.pos += 2;
            } else {
                len = in.u16(bigEndian, tag);
            }
        } else {
            if (at >= 0) {
                byte[] w = in.window();
                len = (long) u16(w, bigEndian ? at + 4 : at + 6) << 16 | u16(w, bigEndian ? at + 6 : at + 4);
                in.pos += 4;
            } else {
                len = in.u32(bigEndian, tag);
            }
            vr = implicitVR(tag, siblings);
        }
        if (len == UNDEFINED) {
            if (vr == VR.SQ) {
                return DicomElement.ofSequence(tag, readSequence(tag, -1, depth, cs, false));
            }
            if (vr == VR.UN) {
                // PS3.5 6.2.2: UN of undefined length holds an implicit VR little endian sequence
                return new DicomElement(tag, VR.UN, readSequence(tag, -1, depth, cs, true), cs);
            }
            if (vr == VR.OB || vr == VR.OW) {
                return DicomElement.ofEncapsulated(tag, explicit ? vr : VR.OB, readFragments(tag));
            }
            throw error("undefined length is not allowed for VR " + vr, start, tag);
        }
        if (len > opt.maxElementLength()) {
            throw error("value length " + len + " exceeds the maximum of " + opt.maxElementLength(), start, tag);
        }
        if (len > in.remaining()) {
            if (!opt.allowTruncated()) {
                throw error("value length " + len + " exceeds the " + in.remaining() + " bytes that remain", start,
                        tag);
            }
            len = in.remaining(); // lenient: keep the bytes that are there
        }
        if (end >= 0 && in.pos + len > end) {
            throw error("value length " + len + " overruns the enclosing item, which ends at " + end, start, tag);
        }
        if (vr == VR.SQ) {
            return DicomElement.ofSequence(tag, readSequence(tag, len, depth, cs, false));
        }
        int n = (int) len;
        if (vr.isBulk() && in.isFile() && !bigEndian && (len > opt.bulkDataThreshold() || tag == PIXEL_DATA
                || tag == FLOAT_PIXEL_DATA || tag == DOUBLE_PIXEL_DATA || tag == WAVEFORM_DATA)) {
            BulkData bulk = in.bulk(in.pos, len);
            in.pos += len;
            return DicomElement.ofBulkData(tag, vr, bulk);
        }
        byte[] value = in.bytes(n, tag);
        if (vr == VR.UN && opt.resolveUnknownVRs() && !bigEndian) {
            DicomElement known = resolveUnknown(tag, value, depth, cs, start);
            if (known != null) {
                return known;
            }
        }
        if (bigEndian) {
            swap(value, vr == VR.AT ? 2 : vr.valueSize());
        }
        if (vr.isBulk() && len > opt.bulkDataThreshold()) {
            return DicomElement.ofBulkData(tag, vr, BulkData.ofBytes(value));
        }
        return new DicomElement(tag, vr, value, vr.usesSpecificCharacterSet() ? cs : SpecificCharacterSet.DEFAULT);
    }

    /**
     * A standard attribute encoded as UN: its bytes are the little-endian encoding of the dictionary VR (PS3.5 6.2.2),
     * so text and numbers are re-typed and a sequence is parsed as implicit VR little endian. Null to keep UN.
     */
    private DicomElement resolveUnknown(int tag, byte[] value, int depth, SpecificCharacterSet cs, long start)
            throws IOException {
        if (Tag.isPrivate(tag) || (tag & 0xFFFF) == 0 || (tag >>> 16) < 0x0008) {
            return null;
        }
        java.util.Optional<DictionaryEntry> entry = dict().entry(tag);
        if (entry.isEmpty() || entry.get().vrs().isEmpty() || entry.get().vrs().size() > 1) {
            return null; // unknown, or ambiguous (US or SS, OB or OW): keep what the data says
        }
        VR known = entry.get().vrs().get(0);
        if (known == VR.UN) {
            return null;
        }
        if (known == VR.SQ) {
            ByteInput saved = in;
            long savedElements = elementCount;
            try {
                in = ByteInput.of(value, saved.file, saved.inflated);
                return DicomElement.ofSequence(tag, readSequence(tag, value.length, depth, cs, true));
            } catch (DicomParseException e) {
                elementCount = savedElements;
                return null; // not a valid sequence after all: keep the bytes as UN
            } finally {
                in = saved;
            }
        }
        if (known.isBinaryNumber() && value.length % known.valueSize() != 0) {
            return null;
        }
        if (known.isBulk() && known.valueSize() > 1 && value.length % known.valueSize() != 0) {
            return null;
        }
        return new DicomElement(tag, known, value, known.usesSpecificCharacterSet() ? cs : SpecificCharacterSet.DEFAULT);
    }

    private static void swap(byte[] b, int size) {
        if (size <= 1) {
            return;
        }
        for (int i = 0; i + size <= b.length; i += size) {
            for (int l = i, r = i + size - 1; l < r; l++, r--) {
                byte t = b[l];
                b[l] = b[r];
                b[r] = t;
            }
        }
    }

    private VR implicitVR(int tag, List<DicomElement> siblings) {
        if ((tag & 0xFFFF) == 0) {
            return VR.UL;
        }
        if (Tag.isPrivate(tag)) {
            if (Tag.isPrivateCreator(tag)) {
                return VR.LO;
            }
            if (dict().hasPrivateDictionaries()) {
                int creatorTag = (tag & 0xFFFF0000) | ((tag >>> 8) & 0xFF);
                for (int i = siblings.size() - 1; i >= 0; i--) {
                    if (siblings.get(i).tag() == creatorTag) {
                        String creator = siblings.get(i).string().orElse("");
                        return dict().privateEntry(creator, tag).map(DictionaryEntry::implicitVR).orElse(VR.UN);
                    }
                }
            }
            return VR.UN;
        }
        return dict().vr(tag).orElse(VR.UN);
    }

    private Sequence readSequence(int tag, long len, int depth, SpecificCharacterSet cs, boolean implicitItems)
            throws IOException {
        if (depth + 1 > opt.maxSequenceDepth()) {
            throw error("sequences nested deeper than " + opt.maxSequenceDepth(), in.pos, tag);
        }
        boolean saveExplicit = explicit;
        boolean saveBig = bigEndian;
        if (implicitItems) {
            explicit = false;
            bigEndian = false;
        }
        try {
            long end = len < 0 ? -1 : in.pos + len;
            List<DicomObject> items = new ArrayList<>();
            while (true) {
                if (end >= 0 && in.pos >= end) {
                    break;
                }
                if (opt.allowTruncated() && in.remaining() < 8) {
                    in.pos = in.length;
                    break;
                }
                long itemStart = in.pos;
                int g = in.u16(bigEndian, tag);
                int el = in.u16(bigEndian, tag);
                int itemTag = g << 16 | el;
                long ilen = in.u32(bigEndian, tag);
                if (itemTag == Tag.SEQUENCE_DELIMITATION) {
                    if (end >= 0) {
                        throw error("sequence delimiter inside a sequence of defined length", itemStart, tag);
                    }
                    break;
                }
                if (itemTag != Tag.ITEM) {
                    throw error("expected an item (FFFE,E000) in the sequence but found " + Tag.toString(itemTag),
                            itemStart, tag);
                }
                if (items.size() >= opt.maxItems()) {
                    throw error("more than " + opt.maxItems() + " items in a sequence", itemStart, tag);
                }
                DicomObject item;
                if (ilen == 0) {
                    item = new DicomObject(NO_ELEMENTS, itemStart); // empty items are common and cost nothing more
                } else if (ilen == UNDEFINED && emptyUndefinedItem()) {
                    item = new DicomObject(NO_ELEMENTS, itemStart);
                } else if (ilen == UNDEFINED) {
                    item = readDataset(-1, depth + 1, cs, true, itemStart);
                    if (end >= 0 && in.pos > end) {
                        throw error("item overruns its sequence, which ends at " + end, itemStart, tag);
                    }
                } else {
                    if (ilen > in.remaining() && opt.allowTruncated()) {
                        ilen = in.remaining();
                    }
                    if (ilen > in.remaining()) {
                        throw error("item length " + ilen + " exceeds the " + in.remaining() + " bytes that remain",
                                itemStart, tag);
                    }
                    if (end >= 0 && in.pos + ilen > end) {
                        throw error("item length " + ilen + " overruns its sequence, which ends at " + end,
                                itemStart, tag);
                    }
                    item = readDataset(in.pos + ilen, depth + 1, cs, true, itemStart);
                }
                items.add(item);
            }
            return new Sequence(items);
        } finally {
            explicit = saveExplicit;
            bigEndian = saveBig;
        }
    }

    private EncapsulatedPixelData readFragments(int tag) throws IOException {
        List<Long> offsets = new ArrayList<>();
        List<BulkData> fragments = new ArrayList<>();
        boolean first = true;
        while (true) {
            if (opt.allowTruncated() && in.remaining() < 8) {
                in.pos = in.length;
                break;
            }
            long itemStart = in.pos;
            int g = in.u16(bigEndian, tag);
            int el = in.u16(bigEndian, tag);
            int itemTag = g << 16 | el;
            long ilen = in.u32(bigEndian, tag);
            if (itemTag == Tag.SEQUENCE_DELIMITATION) {
                break;
            }
            if (itemTag != Tag.ITEM) {
                throw error("expected a fragment item (FFFE,E000) but found " + Tag.toString(itemTag), itemStart, tag);
            }
            if (ilen != UNDEFINED && ilen > in.remaining() && opt.allowTruncated()) {
                ilen = in.remaining();
            }
            if (ilen == UNDEFINED || ilen > in.remaining()) {
                throw error("fragment length " + ilen + " exceeds the " + in.remaining() + " bytes that remain",
                        itemStart, tag);
            }
            if (ilen > opt.maxElementLength()) {
                throw error("fragment length " + ilen + " exceeds the maximum of " + opt.maxElementLength(),
                        itemStart, tag);
            }
            if (fragments.size() >= opt.maxItems()) {
                throw error("more than " + opt.maxItems() + " fragments", itemStart, tag);
            }
            if (first) {
                first = false;
                if (ilen % 4 != 0) {
                    throw error("basic offset table length " + ilen + " is not a multiple of 4", itemStart, tag);
                }
                byte[] bot = in.bytes((int) ilen, tag);
                for (int i = 0; i + 4 <= bot.length; i += 4) {
                    long v = bigEndian
                            ? (bot[i] & 0xFFL) << 24 | (bot[i + 1] & 0xFF) << 16 | (bot[i + 2] & 0xFF) << 8
                                    | (bot[i + 3] & 0xFF)
                            : (bot[i] & 0xFF) | (bot[i + 1] & 0xFF) << 8 | (bot[i + 2] & 0xFF) << 16
                                    | (bot[i + 3] & 0xFFL) << 24;
                    offsets.add(v);
                }
                continue;
            }
            if (in.isFile()) {
                fragments.add(in.bulk(in.pos, ilen));
                in.pos += ilen;
            } else {
                fragments.add(BulkData.ofBytes(in.bytes((int) ilen, tag)));
            }
        }
        return new EncapsulatedPixelData(offsets, fragments);
    }
}
