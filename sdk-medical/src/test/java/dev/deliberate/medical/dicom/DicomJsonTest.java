package dev.deliberate.medical.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DicomJsonTest {

    @Test
    void personNameComponentsAreSplit() {
        DicomObject ds = DicomObject.builder().setString(Tags.PatientName, "Yamada^Tarou=山田^太郎=やまだ^たろう").build();
        String json = DicomJson.toJson(ds);
        assertEquals("{\"00100010\":{\"vr\":\"PN\",\"Value\":[{\"Alphabetic\":\"Yamada^Tarou\","
                + "\"Ideographic\":\"山田^太郎\",\"Phonetic\":\"やまだ^たろう\"}]}}", json);
    }

    @Test
    void numbersTagsAndBinaryFollowPs318() {
        DicomObject ds = DicomObject.builder()
                .setString(Tags.SliceThickness, "1.250")
                .setString(Tags.InstanceNumber, "+7")
                .setInt(Tags.FrameIncrementPointer, VR.AT, 0x00181063)
                .setInt(Tags.Rows, 512)
                .setBytes(0x00091010, VR.OB, new byte[] {1, 2, 3})
                .build();
        String json = DicomJson.toJson(ds);
        assertTrue(json.contains("\"00180050\":{\"vr\":\"DS\",\"Value\":[1.250]}"), json);
        assertTrue(json.contains("\"00200013\":{\"vr\":\"IS\",\"Value\":[7]}"), json);
        assertTrue(json.contains("\"00280009\":{\"vr\":\"AT\",\"Value\":[\"00181063\"]}"), json);
        assertTrue(json.contains("\"00280010\":{\"vr\":\"US\",\"Value\":[512]}"), json);
        assertTrue(json.contains("\"00091010\":{\"vr\":\"OB\",\"InlineBinary\":\"AQID\"}"), json);
    }

    @Test
    void jsonRoundTripsTheDataset() {
        DicomObject ds = Synthetic.ct(4, 4);
        DicomObject back = DicomJson.read(DicomJson.toJson(ds));
        assertEquals(List.of(), DatasetCompare.differences(ds, back));
        assertEquals(DicomJson.toJson(ds), DicomJson.toJson(back));
    }

    @Test
    void bulkDataUriOptionReplacesLargeValues() {
        DicomObject ds = Synthetic.ct(5, 32);
        String json = DicomJson.toJson(ds, DicomJsonOptions.withBulkDataUri(1024, (e, path) -> "bulk/" + path));
        assertTrue(json.contains("\"7FE00010\":{\"vr\":\"OW\",\"BulkDataURI\":\"bulk/7FE00010\"}"), json);
        DicomObject back = DicomJson.read(json, uri -> BulkData.ofBytes(new byte[] {1, 2}));
        assertEquals(2, back.getBulkData(Tags.PixelData).orElseThrow().length());
        assertThrows(DicomParseException.class, () -> DicomJson.read(json));
    }

    @Test
    void unSequenceIsWrittenAsSequence() {
        DicomObject item = DicomObject.builder().setString(Tags.PatientID, "X").build();
        DicomObject ds = DicomObject.builder()
                .set(new DicomElement(0x00091010, VR.UN, Sequence.of(item), null)).build();
        String json = DicomJson.toJson(ds);
        assertEquals("{\"00091010\":{\"vr\":\"SQ\",\"Value\":[{\"00100020\":{\"vr\":\"LO\",\"Value\":[\"X\"]}}]}}",
                json);
        assertEquals("X", DicomJson.read(json).getSequence(0x00091010).orElseThrow().get(0)
                .getString(Tags.PatientID).orElseThrow());
    }

    @Test
    void malformedJsonFailsTyped() {
        assertThrows(DicomParseException.class, () -> DicomJson.read("[1,2]"));
        assertThrows(DicomParseException.class, () -> DicomJson.read("{\"0010ZZ10\":{\"vr\":\"PN\"}}"));
        assertThrows(DicomParseException.class, () -> DicomJson.read("{\"00100010\":{\"vr\":\"XX\"}}"));
        assertThrows(DicomParseException.class, () -> DicomJson.read("{\"00280010\":{\"vr\":\"US\",\"Value\":[70000]}}"));
        assertThrows(DicomParseException.class, () -> DicomJson.read("{"));
    }

    @Test
    void emptyValuesInsideMultiValuedStringsAreJsonNullAsPs318F2Says() {
        // chrH31.dcm's Specific Character Set is "\ISO 2022 IR 87": an empty first value
        DicomObject ds = DicomObject.builder()
                .set(DicomElement.ofBytes(Tags.SpecificCharacterSet, VR.CS,
                        "\\ISO 2022 IR 87 ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
                .setString(Tags.ImageType, VR.CS, "ORIGINAL", "", "AXIAL")
                .setString(Tags.OtherPatientNames, VR.PN, "Doe^John", "")
                .setString(Tags.PixelSpacing, VR.DS, "0.5", "")
                .build();
        String json = DicomJson.toJson(ds);
        assertTrue(json.contains("\"00080005\":{\"vr\":\"CS\",\"Value\":[null,\"ISO 2022 IR 87\"]}"), json);
        assertTrue(json.contains("\"Value\":[\"ORIGINAL\",null,\"AXIAL\"]"), json);
        assertTrue(json.contains("\"Value\":[{\"Alphabetic\":\"Doe^John\"},null]"), json);
        assertTrue(json.contains("\"Value\":[0.5,null]"), json);
        assertTrue(!json.contains("\"\""), "no empty strings: " + json);
        DicomObject back = DicomJson.read(json);
        assertEquals(List.of("", "ISO 2022 IR 87"), back.getStrings(Tags.SpecificCharacterSet));
        assertEquals(List.of("ORIGINAL", "", "AXIAL"), back.getStrings(Tags.ImageType));
    }
}
