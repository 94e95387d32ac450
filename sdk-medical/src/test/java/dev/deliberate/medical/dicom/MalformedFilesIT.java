package dev.deliberate.medical.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The malformed files of the pydicom corpus: each fails with a typed error naming offset and tag, or reads the way
 * pydicom reads it (documented in docs/dicom.md).
 */
class MalformedFilesIT {

    private static Path file(String name) {
        Peers.requirePydicomFiles();
        return Peers.TEST_FILES.resolve(name);
    }

    @Test
    void truncatedPixelDataFailsWithOffsetAndTag() {
        DicomParseException e = assertThrows(DicomParseException.class,
                () -> DicomReader.standard().read(file("MR_truncated.dcm")));
        assertEquals(OptionalInt.of(Tags.PixelData), e.tag());
        assertEquals(1488, e.offset());
        assertTrue(e.getMessage().contains("MR_truncated.dcm"), e.getMessage());
    }

    @Test
    void truncatedPixelDataIsKeptWhenTruncationIsAllowedLikePydicom() throws Exception {
        DicomFile f = new DicomReader(DicomReadOptions.defaults().withAllowTruncated(true))
                .read(file("MR_truncated.dcm"));
        assertEquals(8130, f.dataset().getBulkData(Tags.PixelData).orElseThrow().length()); // pydicom: 8130 bytes
    }

    @Test
    void truncatedSequenceFailsWithOffsetAndTag() {
        DicomParseException e = assertThrows(DicomParseException.class,
                () -> DicomReader.standard().read(file("rtplan_truncated.dcm")));
        assertEquals(OptionalInt.of(Tags.BeamSequence), e.tag());
        assertEquals(1410, e.offset());
    }

    @Test
    void headerOfTruncatedFileStillReadsBeforePixels() throws Exception {
        DicomFile f = new DicomReader(DicomReadOptions.defaults().withStopBeforePixels(true))
                .read(file("MR_truncated.dcm"));
        assertEquals("CompressedSamples^MR1", f.dataset().getString(Tags.PatientName).orElseThrow());
    }

    @Test
    void missingTransferSyntaxIsGuessedFromTheDataLikePydicom() throws Exception {
        DicomFile f = DicomReader.standard().read(file("meta_missing_tsyntax.dcm"));
        assertEquals(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN, f.transferSyntax());
        assertTrue(f.fileMeta().getString(Tags.TransferSyntaxUID).isEmpty());
    }

    @Test
    void invalidValueReadsButTypedGetterFailsClearly() throws Exception {
        // badVR.dcm holds "1A" in an IS element; reading succeeds, asking for the number fails with the tag named
        DicomObject ds = DicomReader.standard().read(file("badVR.dcm")).dataset();
        DicomElement bad = null;
        for (DicomElement e : ds) {
            if (e.vr() == VR.IS && e.strings().contains("1A")) {
                bad = e;
            }
        }
        assertTrue(bad != null, "the IS element with value 1A");
        int tag = bad.tag();
        DicomValueException e = assertThrows(DicomValueException.class, () -> ds.getInt(tag));
        assertTrue(e.getMessage().contains("1A"), e.getMessage());
    }

    @Test
    void noMetaFilesNeedLeniency() {
        for (String n : new String[] {"no_meta.dcm", "rtstruct.dcm", "ExplVR_LitEndNoMeta.dcm",
            "ExplVR_BigEndNoMeta.dcm"}) {
            DicomParseException e = assertThrows(DicomParseException.class, () -> DicomReader.standard().read(file(n)));
            assertEquals(128, e.offset(), n);
        }
    }

    @Test
    void unSequenceAndPrivateSequencesParse() throws Exception {
        DicomObject un = DicomReader.standard().read(file("UN_sequence.dcm")).dataset();
        assertTrue(un.get(0x4453100C).orElseThrow().sequence().isPresent(), "UN of undefined length as sequence");
        DicomObject priv = DicomReader.standard().read(file("nested_priv_SQ.dcm")).dataset();
        assertTrue(priv.size() > 0);
    }
}
