package dev.deliberate.medical.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DicomReaderTest {
    private static final String EXPLICIT = "1.2.840.10008.1.2.1";
    private static final String IMPLICIT = "1.2.840.10008.1.2";

    @TempDir
    Path tmp;

    private static DicomFile read(byte[] b) {
        return DicomReader.standard().read(b);
    }

    @Test
    void explicitLittleEndianElementsAreTyped() {
        byte[] b = Bytes.part10(EXPLICIT)
                .explicit(Tags.PatientName, "PN", "Doe^John")
                .tag(Tags.Rows).ascii("US").u16(2).u16(512)
                .explicit(Tags.SliceThickness, "DS", "1.25")
                .bytes();
        DicomObject ds = read(b).dataset();
        assertEquals("Doe^John", ds.getString(Tags.PatientName).orElseThrow());
        assertEquals(OptionalInt.of(512), ds.getInt(Tags.Rows));
        assertEquals(1.25, ds.getDouble(Tags.SliceThickness).orElseThrow());
        assertTrue(ds.getString(Tags.PatientID).isEmpty());
    }

    /**
     * A header of thousands of short elements, read from a file (through the reader's 16 KB window, whose element
     * headers are read 8 bytes at once) and from memory: the same dataset, and cut anywhere the same error.
     */
    @Test
    void elementHeadersAcrossWindowBoundariesReadAsFromMemory() throws Exception {
        for (String ts : List.of(EXPLICIT, IMPLICIT)) {
            Bytes b = Bytes.part10(ts);
            java.util.Random random = new java.util.Random(3);
            for (int i = 0; i < 5000; i++) {
                int tag = 0x00191000 + i;
                if (ts.equals(EXPLICIT) && i % 7 == 0) {
                    byte[] v = new byte[2 * random.nextInt(4)];
                    b.tag(tag).ascii("OB").u16(0).u32(v.length).raw(v); // a long header (12 bytes)
                } else if (ts.equals(EXPLICIT)) {
                    b.explicit(tag, "LO", "x".repeat(random.nextInt(9)));
                } else {
                    b.implicit(tag, "y".repeat(2 * random.nextInt(5)).getBytes());
                }
            }
            byte[] whole = b.bytes();
            assertTrue(whole.length > 2 * 16 * 1024, "the header spans several windows: " + whole.length);
            Path f = tmp.resolve("many.dcm");
            Files.write(f, whole);
            assertEquals(read(whole).dataset(), DicomReader.standard().read(f).dataset(), ts);
            int failures = 0;
            for (int cut = whole.length - 60; cut < whole.length; cut++) {
                byte[] part = Arrays.copyOf(whole, cut);
                Files.write(f, part);
                Object fromMemory;
                Object fromFile;
                try {
                    fromMemory = read(part).dataset();
                } catch (DicomParseException e) {
                    fromMemory = e.reason() + " at " + e.offset();
                    failures++;
                }
                try {
                    fromFile = DicomReader.standard().read(f).dataset();
                } catch (DicomParseException e) {
                    fromFile = e.reason() + " at " + e.offset();
                }
                assertEquals(fromMemory, fromFile, ts + " cut at " + cut);
            }
            assertTrue(failures > 30, "most cuts fall inside an element: " + failures);
        }
    }

    @Test
    void truncatedValueFailsWithOffsetAndTag() {
        byte[] b = Bytes.part10(EXPLICIT).tag(Tags.PatientName).ascii("PN").u16(100).ascii("Doe").bytes();
        DicomParseException e = assertThrows(DicomParseException.class, () -> read(b));
        assertEquals(OptionalInt.of(Tags.PatientName), e.tag());
        assertEquals(b.length - 3 - 8, e.offset());
        assertTrue(e.getMessage().contains("exceeds the 3 bytes that remain"), e.getMessage());
    }

    @Test
    void truncatedValueIsKeptWhenTruncationIsAllowed() {
        byte[] b = Bytes.part10(EXPLICIT).tag(Tags.PatientName).ascii("PN").u16(100).ascii("Doe").bytes();
        DicomFile f = new DicomReader(DicomReadOptions.defaults().withAllowTruncated(true)).read(b);
        assertEquals("Doe", f.dataset().getString(Tags.PatientName).orElseThrow());
    }

    @Test
    void missingPreambleIsRefusedUnlessLenient() {
        byte[] b = new Bytes().implicit(Tags.PatientID, "ID01".getBytes()).bytes();
        DicomParseException e = assertThrows(DicomParseException.class, () -> read(b));
        assertTrue(e.getMessage().contains("DICM"));
        DicomFile f = new DicomReader(DicomReadOptions.defaults().withAllowMissingFileMeta(true)).read(b);
        assertEquals(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN, f.transferSyntax());
        assertEquals("ID01", f.dataset().getString(Tags.PatientID).orElseThrow());
    }

    @Test
    void declaredLengthAboveConfiguredMaximumFails() {
        byte[] b = Bytes.part10(EXPLICIT).tag(Tags.PixelData).ascii("OB").u16(0).u32(64).raw(new byte[64]).bytes();
        DicomReader r = new DicomReader(DicomReadOptions.defaults().withMaxElementLength(32));
        DicomParseException e = assertThrows(DicomParseException.class, () -> r.read(b));
        assertTrue(e.getMessage().contains("exceeds the maximum of 32"), e.getMessage());
    }

    @Test
    void itemOverrunningItsSequenceFails() {
        Bytes b = Bytes.part10(EXPLICIT).tag(Tags.ReferencedStudySequence).ascii("SQ").u16(0).u32(16);
        b.tag(Tag.ITEM).u32(40).explicit(Tags.ReferencedSOPClassUID, "UI", "1.2");
        b.raw(new byte[40]);
        DicomParseException e = assertThrows(DicomParseException.class, () -> read(b.bytes()));
        assertTrue(e.getMessage().contains("overruns its sequence"), e.getMessage());
    }

    @Test
    void deepNestingIsBoundedNotAStackOverflow() {
        Bytes b = Bytes.part10(EXPLICIT);
        int depth = 5000;
        for (int i = 0; i < depth; i++) {
            b.tag(Tags.ReferencedStudySequence).ascii("SQ").u16(0).u32(0xFFFFFFFFL);
            b.tag(Tag.ITEM).u32(0xFFFFFFFFL);
        }
        DicomParseException e = assertThrows(DicomParseException.class, () -> read(b.bytes()));
        assertTrue(e.getMessage().contains("nested deeper than 64"), e.getMessage());
    }

    @Test
    void tooManyItemsFail() {
        Bytes b = Bytes.part10(EXPLICIT).tag(Tags.ReferencedStudySequence).ascii("SQ").u16(0).u32(0xFFFFFFFFL);
        for (int i = 0; i < 20; i++) {
            b.tag(Tag.ITEM).u32(0);
        }
        b.tag(Tag.SEQUENCE_DELIMITATION).u32(0);
        DicomReader r = new DicomReader(DicomReadOptions.defaults().withMaxItems(10));
        assertThrows(DicomParseException.class, () -> r.read(b.bytes()));
        assertEquals(20, read(b.bytes()).dataset().getSequence(Tags.ReferencedStudySequence).orElseThrow().size());
    }

    @Test
    void unterminatedUndefinedLengthItemFails() {
        Bytes b = Bytes.part10(EXPLICIT).tag(Tags.ReferencedStudySequence).ascii("SQ").u16(0).u32(0xFFFFFFFFL);
        b.tag(Tag.ITEM).u32(0xFFFFFFFFL).explicit(Tags.ReferencedSOPClassUID, "UI", "1.2");
        DicomParseException e = assertThrows(DicomParseException.class, () -> read(b.bytes()));
        assertTrue(e.getMessage().contains("item"), e.getMessage());
    }

    @Test
    void unknownVRBytesFail() {
        byte[] b = Bytes.part10(EXPLICIT).explicit(Tags.PatientID, "LO", "ID").explicit(Tags.PatientName, "ZZ", "x")
                .bytes();
        DicomParseException e = assertThrows(DicomParseException.class, () -> read(b));
        assertTrue(e.getMessage().contains("invalid VR"), e.getMessage());
    }

    @Test
    void unOfUndefinedLengthIsReadAsImplicitSequence() {
        Bytes b = Bytes.part10(EXPLICIT).tag(0x00091010).ascii("UN").u16(0).u32(0xFFFFFFFFL);
        b.tag(Tag.ITEM).u32(0xFFFFFFFFL).implicit(Tags.PatientID, "ABCD".getBytes());
        b.tag(Tag.ITEM_DELIMITATION).u32(0).tag(Tag.SEQUENCE_DELIMITATION).u32(0);
        b.explicit(Tags.PatientName, "PN", "Doe^J ");
        DicomObject ds = read(b.bytes()).dataset();
        DicomElement un = ds.get(0x00091010).orElseThrow();
        assertEquals(VR.UN, un.vr());
        assertEquals("ABCD", un.sequence().orElseThrow().get(0).getString(Tags.PatientID).orElseThrow());
        assertEquals("Doe^J", ds.getString(Tags.PatientName).orElseThrow());
    }

    @Test
    void standardAttributesSentAsUnGetTheirDictionaryVR() {
        Bytes item = new Bytes().implicit(Tags.ReferencedSOPClassUID, "1.2\0".getBytes());
        Bytes seq = new Bytes().tag(Tag.ITEM).u32(item.size()).raw(item.bytes());
        byte[] b = Bytes.part10(EXPLICIT)
                .tag(Tags.ReferencedStudySequence).ascii("UN").u16(0).u32(seq.size()).raw(seq.bytes())
                .tag(Tags.PatientName).ascii("UN").u16(0).u32(8).ascii("Doe^Jane")
                .bytes();
        DicomObject ds = read(b).dataset();
        assertEquals(VR.PN, ds.get(Tags.PatientName).orElseThrow().vr());
        assertEquals("Doe^Jane", ds.getString(Tags.PatientName).orElseThrow());
        assertEquals("1.2", ds.getSequence(Tags.ReferencedStudySequence).orElseThrow().get(0)
                .getString(Tags.ReferencedSOPClassUID).orElseThrow());
        DicomObject raw = new DicomReader(DicomReadOptions.defaults().withResolveUnknownVRs(false)).read(b).dataset();
        assertEquals(VR.UN, raw.get(Tags.PatientName).orElseThrow().vr());
        assertTrue(raw.getString(Tags.PatientName).isEmpty());
    }

    @Test
    void unThatIsNoValidSequenceStaysUn() {
        byte[] b = Bytes.part10(EXPLICIT)
                .tag(Tags.ReferencedStudySequence).ascii("UN").u16(0).u32(4).raw(new byte[] {1, 2, 3, 4}).bytes();
        DicomElement e = read(b).dataset().get(Tags.ReferencedStudySequence).orElseThrow();
        assertEquals(VR.UN, e.vr());
        assertArrayEquals(new byte[] {1, 2, 3, 4}, e.bytes().orElseThrow());
    }

    @Test
    void implicitPrivateElementsAreUnknownUnlessADictionaryKnowsThem() {
        byte[] b = Bytes.part10(IMPLICIT).implicit(0x00110010, "NO SUCH CREATOR ".getBytes())
                .implicit(0x00111001, new byte[] {1, 2}).bytes();
        DicomObject ds = read(b).dataset();
        assertEquals(VR.LO, ds.get(0x00110010).orElseThrow().vr());
        assertEquals(VR.UN, ds.get(0x00111001).orElseThrow().vr());
        assertEquals(OptionalInt.of(0x00111001), ds.privateTag("NO SUCH CREATOR", 0x0011, 0x01));
    }

    @Test
    void largeValuesInFilesStayLazyAndStopBeforePixelsSkipsThem() throws Exception {
        Path f = tmp.resolve("ct.dcm");
        DicomWriter.standard().write(Synthetic.file(Synthetic.ct(1, 256), TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN), f);
        DicomObject ds = DicomReader.standard().read(f).dataset();
        BulkData px = ds.getBulkData(Tags.PixelData).orElseThrow();
        assertEquals(256 * 256 * 2, px.length());
        assertEquals(f, px.file().orElseThrow());
        assertArrayEquals(Synthetic.ct(1, 256).getBytes(Tags.PixelData).orElseThrow(), px.read());
        DicomObject header = new DicomReader(DicomReadOptions.defaults().withStopBeforePixels(true)).read(f).dataset();
        assertFalse(header.contains(Tags.PixelData));
        assertEquals("CT", header.getString(Tags.Modality).orElseThrow());
    }

    @Test
    void stopBeforeTagReadsOnlyTheFirstAttributes() throws Exception {
        Path f = tmp.resolve("ct.dcm");
        DicomWriter.standard().write(Synthetic.file(Synthetic.ct(1, 16), TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN), f);
        DicomFile h = new DicomReader(DicomReadOptions.defaults().withStopBeforeTag(Tags.SOPInstanceUID + 1)).read(f);
        assertEquals("1.2.840.10008.5.1.4.1.1.2", h.dataset().getString(Tags.SOPClassUID).orElseThrow());
        assertEquals("2.25.10001", h.dataset().getString(Tags.SOPInstanceUID).orElseThrow());
        assertTrue(h.dataset().contains(Tags.ImageType));
        assertFalse(h.dataset().contains(Tags.StudyDate), "the first element past the stop tag is not read");
        assertFalse(h.dataset().contains(Tags.PixelData));
        assertEquals(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, h.transferSyntax());
        assertEquals("1.2.840.10008.5.1.4.1.1.2", h.fileMeta().getString(Tags.MediaStorageSOPClassUID).orElseThrow());
    }

    @Test
    void stopBeforeTagNeverReadsWhatFollowsNorFailsOnIt() {
        DicomObject ds = DicomObject.builder().setString(Tags.SOPClassUID, "1.2.840.10008.5.1.4.1.1.7")
                .setString(Tags.SOPInstanceUID, "2.25.42").setString(Tags.PatientID, "ABCDEFGH").build();
        byte[] whole = DicomWriter.standard().toBytes(Synthetic.file(ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN));
        byte[] cut = Arrays.copyOf(whole, whole.length - 3); // Patient ID's value runs past the end
        assertThrows(DicomParseException.class, () -> read(cut));
        DicomObject first = new DicomReader(DicomReadOptions.defaults().withStopBeforeTag(0x00100000)).read(cut)
                .dataset();
        assertEquals("2.25.42", first.getString(Tags.SOPInstanceUID).orElseThrow());
        assertFalse(first.contains(Tags.PatientID));
    }

    @Test
    void stopBeforeTagComparesTagsAsUnsignedNumbers() {
        // (8001,0010) is negative as a Java int: a signed comparison would stop at once, or never before it
        DicomObject ds = DicomObject.builder().setString(Tags.SOPClassUID, "1.2.840.10008.5.1.4.1.1.7")
                .setString(Tags.SOPInstanceUID, "2.25.43").setBytes(Tags.PixelData, VR.OB, new byte[] {1, 2})
                .setString(0x80010010, VR.LO, "HIGH GROUP").build();
        byte[] b = DicomWriter.standard().toBytes(Synthetic.file(ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN));
        DicomObject low = new DicomReader(DicomReadOptions.defaults().withStopBeforeTag(0x80000000)).read(b)
                .dataset();
        assertTrue(low.contains(Tags.SOPInstanceUID));
        assertTrue(low.contains(Tags.PixelData));
        assertFalse(low.contains(0x80010010));
        assertTrue(new DicomReader(DicomReadOptions.defaults().withStopBeforeTag(0x80010011)).read(b).dataset()
                .contains(0x80010010));
        assertTrue(read(b).dataset().contains(0x80010010), "the defaults read to the end");
        DicomReadOptions d = DicomReadOptions.defaults();
        assertThrows(IllegalArgumentException.class, () -> new DicomReadOptions(d.maxElementLength(),
                d.maxSequenceDepth(), d.maxItems(), d.maxElements(), d.bulkDataThreshold(), false, false,
                d.maxInflatedLength(), false, true, DicomReadOptions.NO_STOP_TAG + 1));
        assertThrows(IllegalArgumentException.class, () -> new DicomReadOptions(d.maxElementLength(),
                d.maxSequenceDepth(), d.maxItems(), d.maxElements(), d.bulkDataThreshold(), false, false,
                d.maxInflatedLength(), false, true, -1));
    }

    @Test
    void deflatedDatasetRoundTrips() {
        DicomObject ds = Synthetic.ct(2, 16);
        byte[] b = new DicomWriter(DicomWriteOptions.defaults()
                .withTransferSyntax(TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN))
                .toBytes(Synthetic.file(ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN));
        DicomFile f = read(b);
        assertTrue(f.transferSyntax().deflated());
        assertEquals(List.of(), DatasetCompare.differences(ds, f.dataset()));
    }

    @Test
    void deflateBombIsBounded() {
        DicomObject ds = DicomObject.builder().setString(Tags.SOPClassUID, "1.2").setString(Tags.SOPInstanceUID, "1.3")
                .setBytes(0x00091010, VR.OB, new byte[4 << 20]).build();
        byte[] b = new DicomWriter(DicomWriteOptions.defaults()
                .withTransferSyntax(TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN))
                .toBytes(Synthetic.file(ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN));
        assertTrue(b.length < 64 * 1024);
        DicomReader r = new DicomReader(DicomReadOptions.defaults().withMaxInflatedLength(1 << 20));
        DicomParseException e = assertThrows(DicomParseException.class, () -> r.read(b));
        assertTrue(e.getMessage().contains("inflates to more than"), e.getMessage());
    }

    @Test
    void encapsulatedPixelDataKeepsFragmentsAndOffsetTable() {
        Bytes b = Bytes.part10("1.2.840.10008.1.2.4.50").tag(Tags.NumberOfFrames).ascii("IS").u16(2).ascii("2 ");
        b.tag(Tags.PixelData).ascii("OB").u16(0).u32(0xFFFFFFFFL);
        b.tag(Tag.ITEM).u32(8).u32(0).u32(12);
        b.tag(Tag.ITEM).u32(4).raw(new byte[] {1, 2, 3, 4});
        b.tag(Tag.ITEM).u32(4).raw(new byte[] {5, 6, 7, 8});
        b.tag(Tag.ITEM).u32(2).raw(new byte[] {9, 10});
        b.tag(Tag.SEQUENCE_DELIMITATION).u32(0);
        DicomObject ds = read(b.bytes()).dataset();
        EncapsulatedPixelData px = ds.get(Tags.PixelData).orElseThrow().encapsulated().orElseThrow();
        assertEquals(List.of(0L, 12L), px.basicOffsetTable());
        assertEquals(3, px.fragments().size());
        assertEquals(1, px.frameFragments(0, 2).size());
        assertEquals(2, px.frameFragments(1, 2).size());
        EncapsulatedPixelData noBot = new EncapsulatedPixelData(List.of(), px.fragments());
        assertEquals(2, noBot.frameFragments(1, 2, new long[] {0, 12}).size());
        assertThrows(IllegalArgumentException.class, () -> noBot.frameFragments(0, 2));
        assertThrows(IllegalArgumentException.class, () -> px.frameFragments(2, 2));
    }

    @Test
    void bigEndianValuesAreSwappedToLittleEndian() {
        Bytes b = new Bytes().raw(new byte[128]).ascii("DICM");
        byte[] uid = Bytes.pad("1.2.840.10008.1.2.2".getBytes());
        b.tag(0x00020010).ascii("UI").u16(uid.length).raw(uid);
        // big endian dataset: (0028,0010) US 2 512
        b.raw(new byte[] {0x00, 0x28, 0x00, 0x10, 'U', 'S', 0x00, 0x02, 0x02, 0x00});
        DicomFile f = read(b.bytes());
        assertTrue(f.transferSyntax().bigEndian());
        assertEquals(OptionalInt.of(512), f.dataset().getInt(Tags.Rows));
    }

    @Test
    void emptyFileFailsWithTypedError() throws Exception {
        Path f = tmp.resolve("empty.dcm");
        Files.write(f, new byte[0]);
        assertThrows(DicomParseException.class, () -> DicomReader.standard().read(f));
    }

    @Test
    void randomBytesAfterPreambleFailTyped() {
        byte[] b = Bytes.part10(EXPLICIT).raw(new byte[] {1, 2, 3, 4, 5, 6, 7}).bytes();
        assertThrows(DicomParseException.class, () -> read(b));
        byte[] c = Arrays.copyOf(b, 131);
        assertThrows(DicomParseException.class, () -> read(c));
    }

    /** A sequence of n empty items, defined-length ones or undefined-length ones closed by an item delimiter. */
    static byte[] emptyItems(int n, boolean undefined) {
        Bytes head = Bytes.part10(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid());
        head.explicit(Tags.SOPClassUID, "UI", "1.2.840.10008.5.1.4.1.1.7\0");
        head.tag(Tags.ReferencedImageSequence).ascii("SQ").u16(0).u32(undefined ? 0xFFFFFFFFL : 8L * n);
        Bytes tail = new Bytes();
        if (undefined) {
            tail.tag(Tag.SEQUENCE_DELIMITATION).u32(0);
        }
        tail.explicit(Tags.SOPInstanceUID, "UI", "1.2.3.4\0");
        byte[] h = head.bytes();
        byte[] t = tail.bytes();
        int item = undefined ? 16 : 8;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(h.length + item * n + t.length)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put(h);
        for (int i = 0; i < n; i++) {
            b.putShort((short) 0xFFFE).putShort((short) 0xE000).putInt(undefined ? -1 : 0);
            if (undefined) {
                b.putShort((short) 0xFFFE).putShort((short) 0xE00D).putInt(0);
            }
        }
        return b.put(t).array();
    }

    @Test
    void aMillionEmptyItemsReadAsEmptyItemsWithTheirOffsetsAndBounds() {
        for (boolean undefined : new boolean[] {false, true}) {
            byte[] data = emptyItems(1_000_000, undefined);
            DicomObject ds = DicomReader.standard().read(data).dataset();
            Sequence seq = ds.getSequence(Tags.ReferencedImageSequence).orElseThrow();
            assertEquals(1_000_000, seq.size());
            assertTrue(seq.get(999_999).isEmpty());
            long first = seq.get(0).sourceOffset().orElseThrow();
            assertEquals(first + (undefined ? 16L : 8L) * 999_999, seq.get(999_999).sourceOffset().orElseThrow());
            assertEquals("1.2.3.4", ds.getString(Tags.SOPInstanceUID).orElseThrow(), "parsing goes on after it");
            byte[] thousand = emptyItems(1000, undefined);
            assertThrows(DicomParseException.class, () -> new DicomReader(DicomReadOptions.defaults()
                    .withMaxItems(999)).read(thousand), "the item bound still holds");
        }
        byte[] small = emptyItems(3, true);
        assertThrows(DicomParseException.class, () -> new DicomReader(new DicomReadOptions(1L << 30, 64, 1_000_000, 5,
                64 * 1024, false, false, 1L << 30, false, true, DicomReadOptions.NO_STOP_TAG)).read(small),
                "empty items' delimiters count as elements, as before");
    }
}
