package dev.deliberate.medical.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TagAndDictionaryTest {

    @Test
    void keywordsResolveBothWays() {
        assertEquals(Optional.of(Tag.of(0x0010, 0x0010)), Tag.forKeyword("PatientName"));
        assertEquals(Optional.of("PatientName"), Tag.of(0x00100010).keyword());
        assertEquals(0x7FE00010, Tags.PixelData);
        assertEquals(Optional.empty(), Tag.forKeyword("NoSuchKeyword"));
    }

    @Test
    void tagsFormatAndParse() {
        assertEquals("(0010,0010)", Tag.of(0x00100010).toString());
        assertEquals(Tag.of(0x7FE00010), Tag.parse("(7fe0,0010)"));
        assertEquals(Tag.of(0x7FE00010), Tag.parse("7FE00010"));
        assertThrows(IllegalArgumentException.class, () -> Tag.parse("(7fe0,001)"));
        assertTrue(Tag.of(0xFFFEE000).compareTo(Tag.of(0x00080005)) > 0, "unsigned order");
    }

    @Test
    void repeatingGroupsMatchTheirPattern() {
        DataDictionary d = DataDictionary.standard();
        assertEquals("OverlayData", d.keyword(0x60003000).orElseThrow());
        assertEquals("OverlayData", d.keyword(0x601E3000).orElseThrow());
        assertEquals("CurveData", d.keyword(0x50023000).orElseThrow());
        assertEquals(VR.OW, d.vr(0x60023000).orElseThrow());
        assertEquals("60xx3000", d.entry(0x60043000).orElseThrow().tagPattern());
    }

    @Test
    void privateAndGroupLengthTagsAreGeneric() {
        DataDictionary d = DataDictionary.standard();
        assertTrue(Tag.isPrivate(0x00091001));
        assertTrue(Tag.isPrivateCreator(0x00090010));
        assertFalse(Tag.isPrivateCreator(0x00091001));
        assertEquals(VR.LO, d.vr(0x00290010).orElseThrow());
        assertEquals(VR.UL, d.vr(0x00080000).orElseThrow());
        assertEquals(Optional.empty(), d.vr(0x00291010));
    }

    @Test
    void ambiguousVRsPreferTheImplicitOne() {
        DataDictionary d = DataDictionary.standard();
        assertEquals(List.of(VR.OB, VR.OW), d.entry(Tags.PixelData).orElseThrow().vrs());
        assertEquals(VR.OW, d.vr(Tags.PixelData).orElseThrow());
        assertEquals(VR.US, d.vr(Tags.SmallestImagePixelValue).orElseThrow());
    }

    @Test
    void registeredPrivateDictionaryIsConsulted() {
        DataDictionary d = DataDictionary.standard();
        d.registerPrivate(new PrivateDictionary() {
            @Override
            public String creator() {
                return "ACME 1.0";
            }

            @Override
            public Optional<DictionaryEntry> entry(int group, int elementByte) {
                return elementByte == 0x01 ? Optional.of(new DictionaryEntry("0029xx01", List.of(VR.DS), "1",
                        "AcmeFactor", "Acme Factor", false)) : Optional.empty();
            }
        });
        assertEquals(VR.DS, d.privateEntry("ACME 1.0 ", 0x00291101).orElseThrow().implicitVR());
        assertEquals(Optional.empty(), d.privateEntry("OTHER", 0x00291101));
    }

    @Test
    void vrKnowsItsEncoding() {
        assertEquals(12, VR.UC.explicitHeaderLength());
        assertEquals(12, VR.SV.explicitHeaderLength());
        assertEquals(12, VR.OV.explicitHeaderLength());
        assertEquals(8, VR.US.explicitHeaderLength());
        assertEquals(0, VR.UI.paddingByte());
        assertEquals(' ', VR.PN.paddingByte());
        assertEquals(0, VR.OB.paddingByte());
        assertTrue(VR.PN.usesSpecificCharacterSet());
        assertFalse(VR.CS.usesSpecificCharacterSet());
        assertEquals(Optional.of(VR.UR), VR.fromName("UR"));
        assertEquals(Optional.empty(), VR.fromName("XX"));
        assertEquals(34, VR.values().length);
    }

    @Test
    void transferSyntaxesKnowTheirEncoding() {
        assertFalse(TransferSyntax.of("1.2.840.10008.1.2").explicitVR());
        assertTrue(TransferSyntax.of("1.2.840.10008.1.2.2").bigEndian());
        assertTrue(TransferSyntax.of("1.2.840.10008.1.2.1.99").deflated());
        assertTrue(TransferSyntax.of("1.2.840.10008.1.2.4.50\0").encapsulated());
        TransferSyntax unknown = TransferSyntax.of("1.2.3.4");
        assertFalse(unknown.isKnown());
        assertTrue(unknown.explicitVR() && unknown.encapsulated());
    }
}
