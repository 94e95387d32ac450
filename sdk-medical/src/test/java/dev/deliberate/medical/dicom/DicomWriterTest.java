package dev.deliberate.medical.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DicomWriterTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.1.99"})
    void builtDatasetSurvivesWriteAndRead(String ts) throws Exception {
        DicomObject ds = Synthetic.ct(3, 8);
        for (boolean undefined : new boolean[] {false, true}) {
            Path f = tmp.resolve("out-" + undefined + ".dcm");
            new DicomWriter(DicomWriteOptions.defaults().withTransferSyntax(TransferSyntax.of(ts))
                    .withUndefinedLengthSequences(undefined)).write(Synthetic.file(ds, TransferSyntax.of(ts)), f);
            DicomFile back = DicomReader.standard().read(f);
            assertEquals(ts, back.transferSyntax().uid());
            assertEquals(List.of(), DatasetCompare.differences(ds, back.dataset()));
            assertEquals("Müller^Jürgen=ミュラー^ユルゲン", back.dataset().getString(Tags.PatientName).orElseThrow());
        }
    }

    @Test
    void fileMetaHasCorrectGroupLengthAndRequiredElements() {
        byte[] b = DicomWriter.standard().toBytes(Synthetic.file(Synthetic.ct(1, 2),
                TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN));
        DicomFile f = DicomReader.standard().read(b);
        DicomObject meta = f.fileMeta();
        long groupLength = meta.getLong(0x00020000).orElseThrow();
        // 132 bytes preamble+DICM, then the 12-byte group length element, then exactly groupLength bytes of meta
        int datasetStart = (int) (132 + 12 + groupLength);
        assertEquals(0x08, b[datasetStart]); // first dataset tag: group 0008
        assertEquals("1.2.840.10008.5.1.4.1.1.2", meta.getString(Tags.MediaStorageSOPClassUID).orElseThrow());
        assertEquals(DicomWriter.IMPLEMENTATION_CLASS_UID, meta.getString(Tags.ImplementationClassUID).orElseThrow());
        assertArrayEquals(new byte[] {0, 1}, meta.getBytes(Tags.FileMetaInformationVersion).orElseThrow());
    }

    @Test
    void implementationClassUidIsTheUuidDerivedUidOfTheSdksName() {
        // written out as a literal in DicomWriter so that no command loads MD5 at start-up; derived here (PS3.5 B.2)
        java.util.UUID u = java.util.UUID.nameUUIDFromBytes(
                "dev.deliberate.medical".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16);
        b.putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
        assertEquals("2.25." + new java.math.BigInteger(1, b.array()), DicomWriter.IMPLEMENTATION_CLASS_UID);
    }

    @Test
    void oddValuesArePaddedWithTheirVRsPaddingByte() {
        DicomObject ds = DicomObject.builder().setString(Tags.SOPClassUID, "1.2.3")
                .setString(Tags.SOPInstanceUID, "1.2.345").setString(Tags.PatientID, "ABC").build();
        byte[] b = DicomWriter.standard().toBytes(Synthetic.file(ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN));
        DicomObject back = DicomReader.standard().read(b).dataset();
        assertArrayEquals("1.2.3\0".getBytes(), back.get(Tags.SOPClassUID).orElseThrow().bytes().orElseThrow());
        assertArrayEquals("ABC ".getBytes(), back.get(Tags.PatientID).orElseThrow().bytes().orElseThrow());
        assertEquals("1.2.3", back.getString(Tags.SOPClassUID).orElseThrow());
    }

    @Test
    void failedWriteLeavesNoFileBehind() throws Exception {
        DicomObject noSopClass = DicomObject.builder().setString(Tags.PatientID, "X").build();
        Path target = tmp.resolve("never.dcm");
        assertThrows(IllegalArgumentException.class, () -> DicomWriter.standard().write(noSopClass, target));
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of(), s.toList());
        }
    }

    @Test
    void existingFileIsReplacedAtomically() throws Exception {
        Path target = tmp.resolve("a.dcm");
        Files.writeString(target, "old");
        DicomWriter.standard().write(Synthetic.ct(1, 2), target);
        assertEquals("CT", DicomReader.standard().read(target).dataset().getString(Tags.Modality).orElseThrow());
    }

    @Test
    void nonAsciiTextWithoutCharacterSetIsRefused() {
        DicomObject ds = DicomObject.builder().setString(Tags.SOPClassUID, "1.2").setString(Tags.SOPInstanceUID, "1.3")
                .setString(Tags.PatientName, "Jérôme").build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DicomWriter.standard().toBytes(Synthetic.file(ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN)));
        assertTrue(e.getMessage().contains("Specific Character Set"));
    }

    @Test
    void bigEndianCannotBeChosenForWriting() {
        assertThrows(IllegalArgumentException.class,
                () -> DicomWriteOptions.defaults().withTransferSyntax(TransferSyntax.EXPLICIT_VR_BIG_ENDIAN));
    }

    /** A file whose (0028,0010) Rows is a US of {@code len} bytes and (0018,9087) an FD of {@code fdLen} bytes. */
    static byte[] withPartialBinaryValues(int usLen, int fdLen) {
        Bytes b = Bytes.part10(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid());
        b.explicit(Tags.SOPClassUID, "UI", "1.2.840.10008.5.1.4.1.1.7\0");
        b.explicit(Tags.SOPInstanceUID, "UI", "1.2.3.4\0");
        b.tag(0x00189087).ascii("FD").u16(fdLen).raw(new byte[fdLen]);
        b.tag(Tags.Rows).ascii("US").u16(usLen).raw(java.util.Arrays.copyOf(new byte[] {4, 0, 0, 0, 0}, usLen));
        return b.bytes();
    }

    @Test
    void partialBinaryValuesAreRefusedNotRepaddedIntoAnotherMultiplicity() {
        DicomFile f = DicomReader.standard().read(withPartialBinaryValues(3, 8));
        assertEquals(3, f.dataset().get(Tags.Rows).orElseThrow().length(), "read as it is");
        DicomValueException e = assertThrows(DicomValueException.class, () -> DicomWriter.standard().toBytes(f));
        assertTrue(e.getMessage().contains("(0028,0010)") && e.getMessage().contains("3 bytes"), e.getMessage());
        DicomFile fd = DicomReader.standard().read(withPartialBinaryValues(2, 5));
        e = assertThrows(DicomValueException.class, () -> DicomWriter.standard().toBytes(fd));
        assertTrue(e.getMessage().contains("(0018,9087)") && e.getMessage().contains("5 bytes"), e.getMessage());
        DicomFile ok = DicomReader.standard().read(withPartialBinaryValues(2, 8));
        assertArrayEquals(new byte[] {4, 0}, DicomReader.standard().read(DicomWriter.standard().toBytes(ok)).dataset()
                .get(Tags.Rows).orElseThrow().bytes().orElseThrow(), "whole values are written exactly");
    }
}
