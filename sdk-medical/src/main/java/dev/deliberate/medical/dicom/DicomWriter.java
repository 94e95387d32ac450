package dev.deliberate.medical.dicom;

import dev.deliberate.core.io.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Writes DICOM Part 10 files: preamble, "DICM", a file meta group with correct group length, and the dataset in
 * implicit VR little endian, explicit VR little endian, deflated explicit VR little endian, or (for compressed
 * sources, unchanged) an encapsulated transfer syntax. Values are padded to even length with each VR's padding byte.
 * Files are written to a temporary file beside the target and moved into place, so a failure never leaves a
 * half-written file. Instances are immutable and thread-safe.
 */
public final class DicomWriter {
    /**
     * This SDK's Implementation Class UID: the 2.25 form (PS3.5 B.2) of the name-based UUID of
     * {@code "dev.deliberate.medical"}. Written out rather than derived at class load, which would load the security
     * providers and MD5 into every short command (about 10 ms of a cold {@code dicom echo}); a test derives it again.
     */
    public static final String IMPLEMENTATION_CLASS_UID = "2.25.58725244980746126881865179523243316952";
    /** This SDK's Implementation Version Name. */
    public static final String IMPLEMENTATION_VERSION_NAME = "DELIBERATE_0_1";

    private static final DicomWriter STANDARD = new DicomWriter(DicomWriteOptions.defaults());

    private final DicomWriteOptions options;

    /** A writer with these options. */
    public DicomWriter(DicomWriteOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** A writer with {@link DicomWriteOptions#defaults()}. */
    public static DicomWriter standard() {
        return STANDARD;
    }

    /**
     * Writes a file atomically.
     *
     * @throws IOException              when writing fails (the target is then untouched)
     * @throws IllegalArgumentException when the dataset cannot be written in the chosen transfer syntax
     */
    public void write(DicomFile file, Path target) throws IOException {
        AtomicFiles.write(target, out -> write(file, out));
    }

    /** Writes a dataset as a Part 10 file, with a file meta group made from its SOP Class and Instance UIDs. */
    public void write(DicomObject dataset, Path target) throws IOException {
        write(new DicomFile(DicomObject.empty(), dataset, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN), target);
    }

    /** Encodes a Part 10 file in memory. */
    public byte[] toBytes(DicomFile file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(file, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The transfer syntax this writer uses for a file. */
    public TransferSyntax transferSyntaxFor(DicomFile file) {
        TransferSyntax ts = options.transferSyntax().orElse(file.transferSyntax());
        return ts.bigEndian() ? TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN : ts;
    }

    /**
     * Writes a Part 10 file to a stream (not closed). A DICOMDIR (a dataset with a Directory Record Sequence read from
     * a file) gets its record offsets rewritten to the positions the records have in the new file.
     */
    public void write(DicomFile file, OutputStream out) throws IOException {
        if (file.dataset().contains(Tags.DirectoryRecordSequence) && !file.transferSyntax().deflated()) {
            file = withDirectoryOffsets(file);
        }
        writeFile(file, out, null);
    }

    /** Encodes once to learn where each directory record lands, then maps the old offsets to the new ones. */
    private DicomFile withDirectoryOffsets(DicomFile file) throws IOException {
        Counting probe = new Counting();
        List<Long> found = new java.util.ArrayList<>();
        writeFile(file, probe, found);
        {
            List<DicomObject> records = file.dataset().getSequence(Tags.DirectoryRecordSequence).orElseThrow().items();
            if (found.size() != records.size()) {
                return file;
            }
            java.util.Map<Long, Long> map = new java.util.HashMap<>();
            for (int i = 0; i < records.size(); i++) {
                if (records.get(i).sourceOffset().isEmpty()) {
                    return file; // built by a program: its offsets are the caller's business
                }
                map.put(records.get(i).sourceOffset().getAsLong(), found.get(i));
            }
            List<DicomObject> remapped = new java.util.ArrayList<>();
            for (DicomObject r : records) {
                remapped.add(remap(r, map, Tags.OffsetOfTheNextDirectoryRecord,
                        Tags.OffsetOfReferencedLowerLevelDirectoryEntity));
            }
            DicomObject ds = remap(file.dataset(), map, Tags.OffsetOfTheFirstDirectoryRecordOfTheRootDirectoryEntity,
                    Tags.OffsetOfTheLastDirectoryRecordOfTheRootDirectoryEntity).toBuilder()
                    .setSequence(Tags.DirectoryRecordSequence, remapped).build();
            return new DicomFile(file.fileMeta(), ds, file.transferSyntax());
        }
    }

    private static DicomObject remap(DicomObject o, java.util.Map<Long, Long> map, int... tags) {
        DicomObject.Builder b = o.toBuilder();
        for (int t : tags) {
            java.util.OptionalLong v = o.getLong(t);
            if (v.isPresent() && v.getAsLong() != 0 && map.containsKey(v.getAsLong())) {
                b.set(DicomElement.ofLongs(t, VR.UL, map.get(v.getAsLong())));
            }
        }
        b.sourceOffset(o.sourceOffset().orElse(-1));
        return b.build();
    }

    /** Counts bytes, discarding them. */
    private static final class Counting extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }

    /**
     * @param positions when not null, receives the file offsets of the directory record items (probe pass)
     */
    private void writeFile(DicomFile file, OutputStream out, List<Long> positions) throws IOException {
        TransferSyntax ts = transferSyntaxFor(file);
        DicomObject meta = fileMeta(file, ts);
        out.write(new byte[128]);
        out.write(new byte[] {'D', 'I', 'C', 'M'});
        Encoder metaEnc = new Encoder(out, true, false, false);
        ByteArrayOutputStream metaBytes = new ByteArrayOutputStream();
        Encoder body = new Encoder(metaBytes, true, false, false);
        for (DicomElement e : meta) {
            if (e.tag() != 0x00020000) {
                body.element(e, SpecificCharacterSet.DEFAULT);
            }
        }
        metaEnc.element(DicomElement.ofLongs(0x00020000, VR.UL, metaBytes.size()), SpecificCharacterSet.DEFAULT);
        metaBytes.writeTo(out);
        long start = 132 + 12 + metaBytes.size();
        if (out instanceof Counting) {
            ((Counting) out).count = start; // positions in the probe are file offsets
        }
        writeDataset(file.dataset(), ts, out, positions);
    }

    /**
     * Writes a bare dataset (no preamble, no meta), e.g. for DIMSE. Group 0002 elements are not written.
     *
     * @throws IllegalArgumentException when the dataset cannot be written in this transfer syntax
     */
    public void writeDataset(DicomObject dataset, TransferSyntax ts, OutputStream out) throws IOException {
        writeDataset(dataset, ts, out, null);
    }

    private void writeDataset(DicomObject dataset, TransferSyntax ts, OutputStream out, List<Long> positions)
            throws IOException {
        if (ts.bigEndian()) {
            throw new IllegalArgumentException("writing Explicit VR Big Endian (retired) is not supported");
        }
        if (ts.deflated()) {
            Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
            try {
                DeflaterOutputStream dos = new DeflaterOutputStream(nonClosing(out), d, 64 * 1024);
                new Encoder(dos, ts.explicitVR(), ts.encapsulated(), options.undefinedLengthSequences())
                        .dataset(dataset, SpecificCharacterSet.DEFAULT, true);
                dos.finish();
            } finally {
                d.end();
            }
            return;
        }
        Encoder enc = new Encoder(out, ts.explicitVR(), ts.encapsulated(), options.undefinedLengthSequences());
        enc.positions = positions;
        enc.dataset(dataset, SpecificCharacterSet.DEFAULT, true);
    }

    private static OutputStream nonClosing(OutputStream out) {
        return new java.io.FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }

    /** The file meta group written for a file: the source's, with the required elements set. */
    public DicomObject fileMeta(DicomFile file, TransferSyntax ts) {
        DicomObject.Builder b = file.fileMeta().toBuilder();
        b.remove(0x00020000);
        b.set(DicomElement.ofBytes(Tags.FileMetaInformationVersion, VR.OB, new byte[] {0, 1}));
        DicomObject ds = file.dataset();
        if (!b.contains(Tags.MediaStorageSOPClassUID)) {
            b.setString(Tags.MediaStorageSOPClassUID, VR.UI, ds.getString(Tags.SOPClassUID).orElseThrow(
                    () -> new IllegalArgumentException("dataset has no SOP Class UID (0008,0016) for the file meta")));
        }
        if (!b.contains(Tags.MediaStorageSOPInstanceUID)) {
            b.setString(Tags.MediaStorageSOPInstanceUID, VR.UI, ds.getString(Tags.SOPInstanceUID).orElseThrow(
                    () -> new IllegalArgumentException("dataset has no SOP Instance UID (0008,0018) for the file meta")));
        }
        b.setString(Tags.TransferSyntaxUID, VR.UI, ts.uid());
        b.setString(Tags.ImplementationClassUID, VR.UI, IMPLEMENTATION_CLASS_UID);
        b.setString(Tags.ImplementationVersionName, VR.SH, IMPLEMENTATION_VERSION_NAME);
        return b.build();
    }

    /** Encodes elements; one per write. */
    private final class Encoder {
        private final OutputStream out;
        private final boolean explicit;
        private final boolean encapsulatedAllowed;
        private final boolean undefined;
        private final byte[] hdr = new byte[12];
        private List<Long> positions;

        Encoder(OutputStream out, boolean explicit, boolean encapsulatedAllowed, boolean undefined) {
            this.out = out;
            this.explicit = explicit;
            this.encapsulatedAllowed = encapsulatedAllowed;
            this.undefined = undefined;
        }

        void dataset(DicomObject ds, SpecificCharacterSet inherited, boolean top) throws IOException {
            SpecificCharacterSet cs = ds.contains(Tags.SpecificCharacterSet) ? ds.specificCharacterSet() : inherited;
            for (DicomElement e : ds) {
                int tag = e.tag();
                if (top && (tag >>> 16) == 0x0002) {
                    continue;
                }
                if ((tag & 0xFFFF) == 0 && !options.keepGroupLengths()) {
                    continue;
                }
                element(e, cs);
            }
        }

        void element(DicomElement e, SpecificCharacterSet cs) throws IOException {
            Object v = e.value();
            VR vr = e.vr();
            if (v instanceof Sequence) {
                sequence(e.tag(), vr, (Sequence) v, cs);
                return;
            }
            if (v instanceof EncapsulatedPixelData) {
                if (!encapsulatedAllowed) {
                    throw new IllegalArgumentException(Tag.toString(e.tag()) + " holds compressed pixel data; "
                            + "transcoding to a native transfer syntax is not supported");
                }
                encapsulated(e.tag(), vr, (EncapsulatedPixelData) v);
                return;
            }
            if (v instanceof BulkData) {
                BulkData bulk = (BulkData) v;
                long len = bulk.length();
                checkWholeValues(e.tag(), vr, len);
                boolean pad = (len & 1) != 0;
                header(e.tag(), vr, len + (pad ? 1 : 0));
                bulk.transferTo(out);
                if (pad) {
                    out.write(vr.paddingByte());
                }
                return;
            }
            byte[] bytes = vr.isText() ? e.encodeText(cs) : (byte[]) v;
            if (!vr.isText()) {
                checkWholeValues(e.tag(), vr, bytes.length);
            }
            boolean pad = (bytes.length & 1) != 0;
            long len = bytes.length + (pad ? 1 : 0);
            header(e.tag(), vr, len);
            out.write(bytes);
            if (pad) {
                out.write(vr.paddingByte());
            }
        }

        private void header(int tag, VR vr, long len) throws IOException {
            hdr[0] = (byte) (tag >>> 16);
            hdr[1] = (byte) (tag >>> 24);
            hdr[2] = (byte) tag;
            hdr[3] = (byte) (tag >>> 8);
            if (!explicit) {
                le32(hdr, 4, len);
                out.write(hdr, 0, 8);
                return;
            }
            VR w = vr;
            if (!vr.hasLongHeader() && len > 0xFFFF) {
                w = VR.UN; // PS3.5 6.2.2: a value too long for a 16-bit length is written as UN
            }
            hdr[4] = (byte) w.name().charAt(0);
            hdr[5] = (byte) w.name().charAt(1);
            if (w.hasLongHeader()) {
                hdr[6] = 0;
                hdr[7] = 0;
                le32(hdr, 8, len);
                out.write(hdr, 0, 12);
            } else {
                hdr[6] = (byte) len;
                hdr[7] = (byte) (len >>> 8);
                out.write(hdr, 0, 8);
            }
        }

        private void rawHeader(int tag, long len) throws IOException {
            byte[] h = new byte[8];
            h[0] = (byte) (tag >>> 16);
            h[1] = (byte) (tag >>> 24);
            h[2] = (byte) tag;
            h[3] = (byte) (tag >>> 8);
            le32(h, 4, len);
            out.write(h);
        }

        private void sequence(int tag, VR vr, Sequence seq, SpecificCharacterSet cs) throws IOException {
            // An UN element that was read as a sequence (UN of undefined length) keeps that form: its items are
            // implicit VR little endian whatever the transfer syntax.
            boolean unSeq = vr == VR.UN;
            Encoder itemEnc = unSeq ? new Encoder(out, false, encapsulatedAllowed, true) : this;
            if (undefined || unSeq) {
                header(tag, unSeq ? VR.UN : VR.SQ, 0xFFFFFFFFL);
                boolean trackU = positions != null && tag == Tags.DirectoryRecordSequence && out instanceof Counting;
                for (DicomObject item : seq) {
                    if (trackU) {
                        positions.add(((Counting) out).count);
                    }
                    rawHeader(Tag.ITEM, 0xFFFFFFFFL);
                    itemEnc.dataset(item, cs, false);
                    rawHeader(Tag.ITEM_DELIMITATION, 0);
                }
                rawHeader(Tag.SEQUENCE_DELIMITATION, 0);
                return;
            }
            boolean track = positions != null && tag == Tags.DirectoryRecordSequence && out instanceof Counting;
            byte[][] items = new byte[seq.size()][];
            long total = 0;
            for (int i = 0; i < items.length; i++) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                new Encoder(b, explicit, encapsulatedAllowed, false).dataset(seq.get(i), cs, false);
                items[i] = b.toByteArray();
                total += 8 + items[i].length;
            }
            if (total >= 0xFFFFFFFFL) {
                throw new IllegalArgumentException(Tag.toString(tag) + " is too long for a defined length");
            }
            header(tag, VR.SQ, total);
            for (byte[] item : items) {
                if (track) {
                    positions.add(((Counting) out).count);
                }
                rawHeader(Tag.ITEM, item.length);
                out.write(item);
            }
        }

        private void encapsulated(int tag, VR vr, EncapsulatedPixelData px) throws IOException {
            header(tag, vr, 0xFFFFFFFFL);
            rawHeader(Tag.ITEM, 4L * px.basicOffsetTable().size());
            byte[] four = new byte[4];
            for (long off : px.basicOffsetTable()) {
                le32(four, 0, off);
                out.write(four);
            }
            for (BulkData f : px.fragments()) {
                long len = f.length();
                boolean pad = (len & 1) != 0;
                rawHeader(Tag.ITEM, len + (pad ? 1 : 0));
                f.transferTo(out);
                if (pad) {
                    out.write(0);
                }
            }
            rawHeader(Tag.SEQUENCE_DELIMITATION, 0);
        }
    }

    /**
     * A binary value must hold whole values (a US of 3 bytes is neither VM 1 nor VM 2): padding it would change its
     * value multiplicity (3 bytes -> "4\\0"), and writing it odd would give a file other readers reject; so refuse.
     * OB and UN (one-byte units) are padded as PS3.5 7.1.1 says.
     */
    private static void checkWholeValues(int tag, VR vr, long len) {
        int unit = vr == VR.AT ? 4 : vr.valueSize();
        if ((vr.isBinaryNumber() || vr.isBulk()) && unit > 1 && len % unit != 0) {
            throw new DicomValueException(tag, vr + " value of " + len + " bytes is not a whole number of "
                    + unit + "-byte values; refusing to write it (padding would change its value multiplicity)");
        }
    }

    private static void le32(byte[] b, int o, long v) {
        b[o] = (byte) v;
        b[o + 1] = (byte) (v >>> 8);
        b[o + 2] = (byte) (v >>> 16);
        b[o + 3] = (byte) (v >>> 24);
    }
}
