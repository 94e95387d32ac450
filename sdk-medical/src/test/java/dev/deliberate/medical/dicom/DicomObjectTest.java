package dev.deliberate.medical.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class DicomObjectTest {

    @Test
    void builderKeepsTagOrderAndReplaces() {
        DicomObject ds = DicomObject.builder().setString(Tags.PatientName, "B").setString(Tags.Modality, "CT")
                .setString(Tags.PatientName, "A").setInt(0xFFFA0001, VR.UL, 1).build();
        assertEquals(List.of(Tags.Modality, Tags.PatientName, 0xFFFA0001),
                ds.elements().stream().map(DicomElement::tag).toList());
        assertEquals(Optional.of("A"), ds.getString(Tags.PatientName));
        assertEquals(ds, ds.toBuilder().build());
        assertEquals(2, ds.toBuilder().remove(Tags.Modality).build().size());
    }

    /** string() reads the first value of ASCII-only VRs straight from the bytes; it must equal strings()'s first. */
    @Test
    void firstValueShortcutAgreesWithAllValues() {
        java.util.Random random = new java.util.Random(7);
        byte[] alphabet = {'1', '.', 'A', ' ', 0, '\\', '\t', '\n', (byte) 0xA0, (byte) 0xE9, '-', '^'};
        int checked = 0;
        for (VR vr : VR.values()) {
            if (!vr.isText() || vr.usesSpecificCharacterSet()) {
                continue;
            }
            for (int n = 0; n < 3000; n++) {
                byte[] b = new byte[random.nextInt(9)];
                for (int i = 0; i < b.length; i++) {
                    b[i] = alphabet[random.nextInt(alphabet.length)];
                }
                DicomElement e = DicomElement.ofBytes(0x00080018, vr, b);
                List<String> all = e.strings();
                assertEquals(all.isEmpty() ? Optional.empty() : Optional.of(all.get(0)), e.string(),
                        () -> vr + " " + java.util.Arrays.toString(b));
                checked++;
            }
        }
        assertTrue(checked > 10_000, "VRs checked: " + checked / 3000);
    }

    @Test
    void typedGettersConvertAndReportBadValues() {
        DicomObject ds = DicomObject.builder()
                .setString(Tags.InstanceNumber, " 12 ")
                .setString(Tags.PixelSpacing, "0.5", "0.25")
                .setInt(Tags.Rows, 65535)
                .setInt(Tags.SmallestImagePixelValue, VR.SS, -5)
                .setString(Tags.SeriesNumber, "x1")
                .setString(Tags.StudyDate, "20250128")
                .setString(Tags.StudyTime, "101502.25")
                .setString(Tags.AcquisitionDate, "2025.01.28")
                .setString(Tags.ContentDate, "20251328")
                .build();
        assertEquals(OptionalInt.of(12), ds.getInt(Tags.InstanceNumber));
        assertArrayEquals(new double[] {0.5, 0.25}, ds.getDoubles(Tags.PixelSpacing));
        assertEquals(OptionalInt.of(65535), ds.getInt(Tags.Rows));
        assertEquals(OptionalInt.of(-5), ds.getInt(Tags.SmallestImagePixelValue));
        assertEquals(OptionalInt.empty(), ds.getInt(Tags.Columns));
        DicomValueException e = assertThrows(DicomValueException.class, () -> ds.getInt(Tags.SeriesNumber));
        assertTrue(e.getMessage().contains("SeriesNumber"), e.getMessage());
        assertEquals(Optional.of(LocalDate.of(2025, 1, 28)), ds.getDate(Tags.StudyDate));
        assertEquals(Optional.of(LocalDate.of(2025, 1, 28)), ds.getDate(Tags.AcquisitionDate));
        assertEquals(Optional.of(LocalTime.of(10, 15, 2, 250_000_000)), ds.getTime(Tags.StudyTime));
        assertThrows(DicomValueException.class, () -> ds.getDate(Tags.ContentDate));
    }

    @Test
    void personNameSplitsGroupsAndComponents() {
        PersonName pn = PersonName.parse("Yamada^Tarou=山田^太郎=やまだ^たろう");
        assertEquals("Yamada", pn.alphabetic().familyName());
        assertEquals("太郎", pn.ideographic().givenName());
        assertEquals("やまだ^たろう", pn.phonetic().toDicom());
        assertEquals("Yamada^Tarou=山田^太郎=やまだ^たろう", pn.toDicom());
        assertEquals("Doe", PersonName.parse("Doe^^^^").toDicom());
    }

    @Test
    void privateTagIsFoundThroughItsCreator() {
        DicomObject ds = DicomObject.builder().setString(0x00290010, VR.LO, "OTHER")
                .setString(0x00290011, VR.LO, "ACME 1.0").setString(0x00291101, VR.DS, "2.5").build();
        assertEquals(OptionalInt.of(0x00291101), ds.privateTag("ACME 1.0", 0x0029, 0x01));
        assertEquals(OptionalInt.empty(), ds.privateTag("NONE", 0x0029, 0x01));
    }

    @Test
    void builderRejectsValuesTheVRCannotHold() {
        assertThrows(IllegalArgumentException.class, () -> DicomObject.builder().setInt(Tags.Rows, 70000));
        assertThrows(IllegalArgumentException.class, () -> DicomObject.builder().setString(Tags.PatientID, "a\\b"));
        assertThrows(IllegalArgumentException.class, () -> DicomObject.builder().setString(0x00291001, "x"));
        assertThrows(IllegalArgumentException.class, () -> DicomElement.ofBytes(Tags.Rows, VR.US, new byte[3]));
    }

    @Test
    void rewriteReachesNestedItemsAndCanRemove() {
        DicomObject ds = Synthetic.ct(1, 2);
        List<List<Integer>> paths = new java.util.ArrayList<>();
        DicomObject out = ds.rewrite((path, e) -> {
            if (e.tag() == Tags.CodeMeaning) {
                paths.add(path);
                return Optional.of(DicomElement.ofStrings(e.tag(), VR.LO, "redacted"));
            }
            return Tag.isPrivate(e.tag()) ? Optional.empty() : Optional.of(e);
        });
        assertEquals(List.of(List.of(Tags.RequestAttributesSequence, Tags.RequestedProcedureCodeSequence)), paths);
        assertEquals("redacted", out.getSequence(Tags.RequestAttributesSequence).orElseThrow().get(0)
                .getSequence(Tags.RequestedProcedureCodeSequence).orElseThrow().get(0)
                .getString(Tags.CodeMeaning).orElseThrow());
        assertTrue(out.get(0x00091001).isEmpty());
        assertEquals("IHE Protocol", ds.getSequence(Tags.RequestAttributesSequence).orElseThrow().get(0)
                .getSequence(Tags.RequestedProcedureCodeSequence).orElseThrow().get(0)
                .getString(Tags.CodeMeaning).orElseThrow(), "original unchanged");
        assertTrue(ds.rewrite((p, e) -> Optional.of(e)) == ds, "no change, same object");
        assertThrows(IllegalArgumentException.class,
                () -> ds.rewrite((p, e) -> Optional.of(e.withTag(e.tag() + 1))));
    }

    @Test
    void dsIsFormattedInSixteenCharacters() {
        DicomObject ds = DicomObject.builder().setDouble(Tags.SliceThickness, 1.0 / 3).build();
        String v = ds.getString(Tags.SliceThickness).orElseThrow();
        assertTrue(v.length() <= 16, v);
        assertEquals(1.0 / 3, Double.parseDouble(v), 1e-12);
    }
}
