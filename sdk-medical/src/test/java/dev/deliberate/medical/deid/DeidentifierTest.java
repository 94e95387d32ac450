package dev.deliberate.medical.deid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.medical.dicom.DicomElement;
import dev.deliberate.medical.dicom.DicomObject;
import dev.deliberate.medical.dicom.Tags;
import dev.deliberate.medical.dicom.VR;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeidentifierTest {
    static final String SALT = "test-salt-0123456789";
    static final String STUDY = "1.2.826.0.1.3680043.2.1125.1.1";

    static DicomObject source() {
        DicomObject refImage = DicomObject.builder()
                .setString(Tags.ReferencedSOPClassUID, "1.2.840.10008.5.1.4.1.1.2")
                .setString(Tags.ReferencedSOPInstanceUID, "1.2.3.4.5.6")
                .setString(Tags.PatientName, "Nested^Name").build();
        return DicomObject.builder()
                .setString(Tags.SOPClassUID, "1.2.840.10008.5.1.4.1.1.2")
                .setString(Tags.SOPInstanceUID, "1.2.3.4.5.7")
                .setString(Tags.StudyInstanceUID, STUDY)
                .setString(Tags.SeriesInstanceUID, STUDY + ".2")
                .setString(Tags.PatientName, "Doe^John")
                .setString(Tags.PatientID, "MRN123456")
                .setString(Tags.PatientBirthDate, "19700102")
                .setString(Tags.PatientSex, "M")
                .setString(Tags.PatientAge, "054Y")
                .setString(Tags.StudyDate, "20240310")
                .setString(Tags.StudyTime, "101500")
                .setString(Tags.SeriesDate, "20240310")
                .setString(Tags.AccessionNumber, "ACC42")
                .setString(Tags.InstitutionName, "Saint Example Hospital")
                .setString(Tags.StudyDescription, "CT HEAD for Doe 2024-03-10 MRN123456")
                .setString(Tags.Modality, "CT")
                .setString(Tags.SliceThickness, "5")
                .setString(Tags.ReferringPhysicianName, "House^Gregory")
                .setString(Tags.DeviceSerialNumber, "SN-99")
                .setString(Tags.BurnedInAnnotation, "NO")
                .setSequence(Tags.ReferencedImageSequence, List.of(refImage))
                .setSequence(Tags.ReferencedStudySequence, List.of(refImage))
                .setString(0x00090010, VR.LO, "ACME 1.0")
                .setString(0x00091001, VR.LO, "secret private")
                .setString(0x00091002, VR.LO, "kept private")
                .build();
    }

    static DeidentificationResult run(DicomObject ds, DeidentificationOption... options) {
        return new Deidentifier(DeidentificationPolicy.basic(SALT).withOptions(Set.of(options))).deidentify(ds);
    }

    @Test
    void basicProfileRemovesReplacesAndEmpties() {
        DicomObject out = run(source()).dataset();
        assertEquals(List.of(), out.getStrings(Tags.PatientName), "Z: present, empty");
        assertTrue(out.contains(Tags.PatientName));
        assertTrue(out.contains(Tags.PatientID), "Z/D of a Type 2 attribute -> Z");
        assertTrue(out.getString(Tags.PatientID).isEmpty());
        assertTrue(out.getString(Tags.StudyDate).isEmpty());
        assertFalse(out.contains(Tags.SeriesDate), "X/D -> X in a Type 3 context");
        assertFalse(out.contains(Tags.InstitutionName));
        assertFalse(out.contains(Tags.StudyDescription), "X without Clean Descriptors");
        assertFalse(out.contains(Tags.PatientAge));
        assertFalse(out.contains(Tags.DeviceSerialNumber));
        assertFalse(out.contains(Tags.ReferencedStudySequence), "X/Z -> X");
        assertEquals("CT", out.getString(Tags.Modality).orElseThrow(), "unlisted attributes are kept");
        assertEquals("5", out.getString(Tags.SliceThickness).orElseThrow());
        assertEquals("1.2.840.10008.5.1.4.1.1.2", out.getString(Tags.SOPClassUID).orElseThrow());
    }

    @Test
    void privateAttributesAreRemovedByDefault() {
        DicomObject out = run(source()).dataset();
        assertFalse(out.contains(0x00090010));
        assertFalse(out.contains(0x00091001));
    }

    @Test
    void safePrivateAttributesAreKeptOnlyWhenNamed() {
        DeidentificationPolicy p = DeidentificationPolicy.basic(SALT)
                .withSafePrivateAttributes(Set.of(new PrivateAttribute("ACME 1.0", 0x0009, 0x02)));
        DicomObject out = new Deidentifier(p).deidentify(source()).dataset();
        assertTrue(out.contains(0x00090010), "creator kept");
        assertEquals("kept private", out.getString(0x00091002).orElseThrow());
        assertFalse(out.contains(0x00091001));
    }

    @Test
    void uidsAreReplacedConsistentlyAcrossCallsAndInsideSequences() {
        DicomObject a = run(source()).dataset();
        DicomObject b = run(source()).dataset();
        String study = a.getString(Tags.StudyInstanceUID).orElseThrow();
        assertNotEquals(STUDY, study);
        assertTrue(study.startsWith("2.25.") && study.length() <= 64, study);
        assertTrue(study.substring(5).matches("[1-9][0-9]*"), "no leading zero: " + study);
        assertEquals(study, b.getString(Tags.StudyInstanceUID).orElseThrow(), "same salt, same UID");
        String other = new Deidentifier(DeidentificationPolicy.basic("another-salt-xyz")).deidentify(source())
                .dataset().getString(Tags.StudyInstanceUID).orElseThrow();
        assertNotEquals(study, other, "another salt, another UID");
        assertFalse(a.contains(Tags.ReferencedImageSequence), "X/Z/U* -> X when Type 3");
    }

    @Test
    void nestedItemsAreDeidentified() {
        DicomObject item = DicomObject.builder().setString(Tags.PatientName, "Deep^Name")
                .setString(Tags.ReferencedSOPInstanceUID, "1.2.3").build();
        DicomObject ds = DicomObject.builder().setString(Tags.Modality, "SR")
                .setSequence(Tags.ContentSequence, List.of(DicomObject.builder()
                        .setSequence(Tags.ContentSequence, List.of(item)).build())).build();
        DicomObject out = run(ds, DeidentificationOption.CLEAN_STRUCTURED_CONTENT).dataset();
        DicomObject inner = out.getSequence(Tags.ContentSequence).orElseThrow().get(0)
                .getSequence(Tags.ContentSequence).orElseThrow().get(0);
        assertTrue(inner.getString(Tags.PatientName).isEmpty());
        assertEquals(new UidRemapper(SALT.getBytes()).remap("1.2.3"),
                inner.getString(Tags.ReferencedSOPInstanceUID).orElseThrow());
    }

    @Test
    void contentSequenceGetsDummyTextWithoutCleanStructuredContentAndCleanedTextWithIt() {
        DicomObject concept = DicomObject.builder().setString(Tags.CodeValue, "121071")
                .setString(Tags.CodingSchemeDesignator, "DCM").setString(Tags.CodeMeaning, "Finding").build();
        DicomObject text = DicomObject.builder().setString(Tags.ValueType, "TEXT")
                .setSequence(Tags.ConceptNameCodeSequence, List.of(concept))
                .setString(Tags.TextValue, "Seen by Dr House for John Doe on 2024-03-10").build();
        DicomObject ds = source().toBuilder().setSequence(Tags.ContentSequence, List.of(text)).build();
        DicomObject dummy = run(ds).dataset().getSequence(Tags.ContentSequence).orElseThrow().get(0);
        assertEquals("ANONYMIZED", dummy.getString(Tags.TextValue).orElseThrow(), "D keeps structure, not text");
        assertEquals("Finding", dummy.getSequence(Tags.ConceptNameCodeSequence).orElseThrow().get(0)
                .getString(Tags.CodeMeaning).orElseThrow(), "codes are terminology and stay");
        DicomObject cleaned = run(ds, DeidentificationOption.CLEAN_STRUCTURED_CONTENT).dataset()
                .getSequence(Tags.ContentSequence).orElseThrow().get(0);
        assertEquals("Seen by Dr ***** for **** *** on **********", cleaned.getString(Tags.TextValue).orElseThrow());
    }

    @Test
    void sequencesNestedTooDeepAreRefused() {
        DicomObject ds = DicomObject.builder().setString(Tags.PatientName, "X").build();
        for (int i = 0; i < Deidentifier.MAX_DEPTH + 2; i++) {
            ds = DicomObject.builder().setSequence(Tags.VOILUTSequence, List.of(ds)).build(); // unlisted: kept
        }
        DicomObject deep = ds;
        DeidentificationException e = assertThrows(DeidentificationException.class, () -> run(deep));
        assertTrue(e.getMessage().contains("deeper"), e.getMessage());
    }

    @Test
    void markersAndMethodCodesAreAdded() {
        DicomObject out = run(source(), DeidentificationOption.RETAIN_UIDS,
                DeidentificationOption.CLEAN_DESCRIPTORS).dataset();
        assertEquals("YES", out.getString(Tags.PatientIdentityRemoved).orElseThrow());
        assertEquals(Deidentifier.METHOD_TEXT, out.getString(Tags.DeidentificationMethod).orElseThrow());
        List<String> codes = new ArrayList<>();
        for (DicomObject item : out.getSequence(Tags.DeidentificationMethodCodeSequence).orElseThrow()) {
            assertEquals("DCM", item.getString(Tags.CodingSchemeDesignator).orElseThrow());
            codes.add(item.getString(Tags.CodeValue).orElseThrow());
        }
        assertEquals(List.of("113100", "113105", "113110"), codes);
        assertEquals("REMOVED", out.getString(Tags.LongitudinalTemporalInformationModified).orElseThrow());
        assertEquals(STUDY, out.getString(Tags.StudyInstanceUID).orElseThrow(), "Retain UIDs keeps them");
    }

    @Test
    void cleanDescriptorsMasksIdentifiersInText() {
        DicomObject out = run(source(), DeidentificationOption.CLEAN_DESCRIPTORS).dataset();
        String d = out.getString(Tags.StudyDescription).orElseThrow();
        assertEquals("CT HEAD for *** ********** *********", d);
    }

    @Test
    void fullDatesOptionKeepsDatesAndModifiedDatesShiftsThemConsistently() {
        DicomObject full = run(source(), DeidentificationOption.RETAIN_LONGITUDINAL_FULL_DATES).dataset();
        assertEquals("20240310", full.getString(Tags.StudyDate).orElseThrow());
        assertEquals("UNMODIFIED", full.getString(Tags.LongitudinalTemporalInformationModified).orElseThrow());
        DicomObject mod = run(source(), DeidentificationOption.RETAIN_LONGITUDINAL_MODIFIED_DATES).dataset();
        String study = mod.getString(Tags.StudyDate).orElseThrow();
        assertNotEquals("20240310", study);
        assertEquals(study, mod.getString(Tags.SeriesDate).orElseThrow(), "same patient, same shift");
        assertEquals("MODIFIED", mod.getString(Tags.LongitudinalTemporalInformationModified).orElseThrow());
    }

    @Test
    void retainOptionsKeepWhatTheyName() {
        DicomObject out = run(source(), DeidentificationOption.RETAIN_PATIENT_CHARACTERISTICS,
                DeidentificationOption.RETAIN_DEVICE_IDENTITY, DeidentificationOption.RETAIN_INSTITUTION_IDENTITY)
                .dataset();
        assertEquals("054Y", out.getString(Tags.PatientAge).orElseThrow());
        assertEquals("M", out.getString(Tags.PatientSex).orElseThrow());
        assertEquals("SN-99", out.getString(Tags.DeviceSerialNumber).orElseThrow());
        assertEquals("Saint Example Hospital", out.getString(Tags.InstitutionName).orElseThrow());
    }

    @Test
    void burnedInAnnotationIsRefusedByDefaultAndFlaggedOnRequest() {
        DicomObject ds = source().toBuilder().setString(Tags.BurnedInAnnotation, "YES").build();
        assertThrows(BurnedInAnnotationException.class, () -> run(ds));
        DeidentificationResult r = new Deidentifier(DeidentificationPolicy.basic(SALT)
                .withBurnedInAnnotation(BurnedInAnnotationHandling.FLAG)).deidentify(ds);
        assertEquals(BurnedInAnnotation.YES, r.burnedInAnnotation());
        assertEquals(BurnedInAnnotation.NO, run(source()).burnedInAnnotation());
    }

    @Test
    void emptyOrShortSaltIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> DeidentificationPolicy.basic(""));
        assertThrows(IllegalArgumentException.class, () -> DeidentificationPolicy.basic("short"));
        assertThrows(NullPointerException.class, () -> DeidentificationPolicy.basic((String) null));
    }

    @Test
    void unsupportedAndConflictingOptionsAreRejected() {
        DeidentificationPolicy p = DeidentificationPolicy.basic(SALT);
        assertThrows(IllegalArgumentException.class, () -> p.withOption(DeidentificationOption.CLEAN_PIXEL_DATA));
        assertThrows(IllegalArgumentException.class, () -> p.withOptions(Set.of(
                DeidentificationOption.RETAIN_LONGITUDINAL_FULL_DATES,
                DeidentificationOption.RETAIN_LONGITUDINAL_MODIFIED_DATES)));
    }

    @Test
    void dummyValuesAreValidForEveryVr() {
        for (VR vr : VR.values()) {
            if (vr == VR.SQ) {
                continue;
            }
            DicomElement e = Deidentifier.dummyValue(0x00100010, vr);
            assertFalse(e.isEmpty(), vr + " dummy must not be empty");
            assertEquals(0, e.length() % (vr.valueSize() == 0 ? 1 : vr.valueSize()), vr.toString());
        }
        assertEquals("000Y", Deidentifier.dummyValue(Tags.PatientAge, VR.AS).string().orElseThrow());
    }

    @Test
    void srContentDateGetsADummyBecauseItIsType1() {
        DicomObject sr = DicomObject.builder().setString(Tags.SOPClassUID, "1.2.840.10008.5.1.4.1.1.88.33")
                .setString(Tags.ContentDate, "20240101").setString(Tags.ContentTime, "120000").build();
        DicomObject out = run(sr).dataset();
        assertEquals("19000101", out.getString(Tags.ContentDate).orElseThrow());
        DicomObject ct = sr.toBuilder().setString(Tags.SOPClassUID, "1.2.840.10008.5.1.4.1.1.2").build();
        assertTrue(run(ct).dataset().getString(Tags.ContentDate).isEmpty());
    }

    @Test
    void fileMetaFollowsTheReplacedSopInstanceUidAndLosesSourceAe() {
        DicomObject meta = DicomObject.builder().setString(Tags.MediaStorageSOPClassUID, "1.2.840.10008.5.1.4.1.1.2")
                .setString(Tags.MediaStorageSOPInstanceUID, "1.2.3.4.5.7")
                .setString(Tags.SourceApplicationEntityTitle, "HOSPITAL_CT1").build();
        dev.deliberate.medical.dicom.DicomFile out = new Deidentifier(DeidentificationPolicy.basic(SALT)).deidentify(
                new dev.deliberate.medical.dicom.DicomFile(meta, source(),
                        dev.deliberate.medical.dicom.TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN));
        assertEquals(out.dataset().getString(Tags.SOPInstanceUID), out.fileMeta().getString(
                Tags.MediaStorageSOPInstanceUID));
        assertNotEquals("1.2.3.4.5.7", out.dataset().getString(Tags.SOPInstanceUID).orElseThrow());
        assertFalse(out.fileMeta().contains(Tags.SourceApplicationEntityTitle));
    }

    @Test
    void policyToStringHidesTheSalt() {
        assertFalse(DeidentificationPolicy.basic(SALT).toString().contains(SALT));
    }

    // ---- issue 9 regressions: each failed before its fix ----

    static DicomObject withOverlayAndExplanations() {
        return source().toBuilder()
                .setString(Tags.PatientName, "Quixley^Marguerite")
                .set(DicomElement.ofLongs(0x60000010, VR.US, 2))
                .set(DicomElement.ofLongs(0x60000011, VR.US, 2))
                .setString(0x60000022, VR.LO, "Annotations for Quixley Marguerite")
                .setString(0x60000040, VR.CS, "G")
                .set(DicomElement.ofLongs(0x60000100, VR.US, 1))
                .setString(0x60001500, VR.LO, "Quixley")
                .setBytes(0x60003000, VR.OW, new byte[2])
                .setString(Tags.WindowCenterWidthExplanation, VR.LO, "Marguerite's lung window")
                .setString(Tags.RetrieveURL, VR.UR, "https://pacs.example.org/dicomweb/studies/" + STUDY)
                .setString(Tags.RetrieveURI, VR.UR, "https://pacs.example.org/wado?studyUID=" + STUDY)
                .build();
    }

    @Test
    void overlayGroupIsRemovedWholeAndNeverLeftWithoutItsData() {
        DeidentificationResult r = run(withOverlayAndExplanations());
        for (DicomElement e : r.dataset()) {
            assertFalse((e.tag() >>> 16) >= 0x6000 && (e.tag() >>> 16) <= 0x601E, "overlay element left: " + e);
        }
        assertTrue(r.report().entriesFor(0x60000022).stream().allMatch(e ->
                e.action() == DeidentificationReport.Action.REMOVED && e.reason().contains("overlay group")));
    }

    @Test
    void windowExplanationAndUrlsDoNotKeepTheNameOrTheStudyUid() {
        DicomObject out = run(withOverlayAndExplanations()).dataset();
        assertFalse(out.contains(Tags.WindowCenterWidthExplanation));
        assertFalse(out.contains(Tags.RetrieveURL));
        assertFalse(out.contains(Tags.RetrieveURI));
        DicomObject cleaned = run(withOverlayAndExplanations(), DeidentificationOption.CLEAN_DESCRIPTORS).dataset();
        assertEquals("**********'s lung window", cleaned.getString(Tags.WindowCenterWidthExplanation).orElseThrow());
        assertNoValueContains(cleaned, "Marguerite", "Quixley", STUDY);
    }

    @Test
    void cleanOptionsReachCodeMeaningsInNestedSequences() {
        DicomObject code = DicomObject.builder().setString(Tags.CodeValue, "P-1")
                .setString(Tags.CodingSchemeDesignator, "99LOCAL")
                .setString(Tags.CodeMeaning, "Protocol for Quixley Marguerite").build();
        DicomObject request = DicomObject.builder().setString(Tags.RequestedProcedureID, "RP1")
                .setSequence(Tags.ScheduledProtocolCodeSequence, List.of(code)).build();
        DicomObject ds = source().toBuilder().setString(Tags.PatientName, "Quixley^Marguerite")
                .setSequence(Tags.RequestAttributesSequence, List.of(request)).build();
        DicomObject out = run(ds, DeidentificationOption.CLEAN_DESCRIPTORS,
                DeidentificationOption.CLEAN_STRUCTURED_CONTENT).dataset();
        DicomObject inner = out.getSequence(Tags.RequestAttributesSequence).orElseThrow().get(0)
                .getSequence(Tags.ScheduledProtocolCodeSequence).orElseThrow().get(0);
        assertEquals("Protocol for ******* **********", inner.getString(Tags.CodeMeaning).orElseThrow());
        assertEquals("P-1", inner.getString(Tags.CodeValue).orElseThrow(), "code values are not text to clean");
        assertNoValueContains(out, "Quixley", "Marguerite");
    }

    @Test
    void cjkNameWithoutSeparatorsIsMaskedInFreeText() {
        DicomObject ds = source().toBuilder().setString(Tags.SpecificCharacterSet, VR.CS, "ISO_IR 192")
                .setString(Tags.PatientName, VR.PN, "Yamada^Tarou=山田^太郎=やまだ^たろう")
                .setString(Tags.ImageComments, VR.LT, "患者山田太郎さん、Yamada Tarou 再検査")
                .setString(Tags.StudyDescription, VR.LO, "王芳の胸部")
                .setString(Tags.ReferringPhysicianName, VR.PN, "Wang^Fang=王^芳").build();
        DicomObject out = run(ds, DeidentificationOption.CLEAN_DESCRIPTORS,
                DeidentificationOption.CLEAN_STRUCTURED_CONTENT).dataset();
        assertEquals("患者****さん、****** ***** 再検査", out.getString(Tags.ImageComments).orElseThrow());
        assertEquals("**の胸部", out.getString(Tags.StudyDescription).orElseThrow(),
                "a name of two single-character parts is caught joined");
        assertNoValueContains(out, "山田", "太郎", "王芳");
    }

    @Test
    void keptTextThatHoldsAnIdentifierOrASourceUidIsMaskedAndReported() {
        DicomObject ds = source().toBuilder()
                .setString(Tags.Manufacturer, VR.LO, "Built for Doe")                       // unlisted: kept
                .setString(Tags.ConvolutionKernel, VR.SH, "see " + STUDY)                    // unlisted: kept
                .build();
        DeidentificationResult r = run(ds);
        assertEquals("Built for ***", r.dataset().getString(Tags.Manufacturer).orElseThrow());
        assertEquals("see " + "*".repeat(STUDY.length()), r.dataset().getString(Tags.ConvolutionKernel).orElseThrow());
        assertTrue(r.report().entriesFor(Tags.Manufacturer).get(0).reason().startsWith("SDK rule: kept text"));
        assertEquals("CT", r.dataset().getString(Tags.Modality).orElseThrow(), "other kept values untouched");
    }

    @Test
    void reportNamesEveryAttributeWithItsActionAndReason() {
        DeidentificationResult r = run(source(), DeidentificationOption.CLEAN_DESCRIPTORS);
        DeidentificationReport rep = r.report();
        DeidentificationReport.Entry name = rep.entriesFor(Tags.PatientName).get(0);
        assertEquals(DeidentificationReport.Action.EMPTIED, name.action());
        assertEquals("PatientName", name.keyword());
        assertTrue(name.reason().contains("E.1-1"), name.reason());
        assertEquals(DeidentificationReport.Action.CLEANED, rep.entriesFor(Tags.StudyDescription).get(0).action());
        assertTrue(rep.entriesFor(Tags.StudyDescription).get(0).reason().contains("CLEAN_DESCRIPTORS"));
        assertEquals(DeidentificationReport.Action.UID_REPLACED, rep.entriesFor(Tags.StudyInstanceUID).get(0)
                .action());
        assertEquals(DeidentificationReport.Action.KEPT, rep.entriesFor(Tags.Modality).get(0).action());
        assertEquals(DeidentificationReport.Action.REMOVED, rep.entriesFor(0x00091001).get(0).action());
        assertTrue(rep.entriesFor(Tags.SeriesDate).get(0).reason().contains("X/D -> X"), rep.entriesFor(
                Tags.SeriesDate).toString());
        String json = rep.toJson();
        assertTrue(json.contains("\"keyword\" : \"PatientName\""), json);
        assertFalse(json.contains("Doe"), "a report holds no values");
        assertEquals(2 * rep.totals().get(DeidentificationReport.Action.REMOVED),
                rep.merge(rep).totals().get(DeidentificationReport.Action.REMOVED));
    }

    static void assertNoValueContains(DicomObject ds, String... needles) {
        for (DicomElement e : ds) {
            if (e.isSequence()) {
                for (DicomObject item : e.sequence().orElseThrow()) {
                    assertNoValueContains(item, needles);
                }
                continue;
            }
            String v = e.vr().isText() ? e.text().orElse("") : "";
            for (String n : needles) {
                assertFalse(v.contains(n), e + " still holds " + n);
            }
        }
    }
}
