package dev.deliberate.medical.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SpecificCharacterSetTest {

    private static String decode(SpecificCharacterSet cs, byte[] b) {
        return cs.decode(b, 0, b.length, true);
    }

    @Test
    void japaneseIso2022SwitchesSetsByEscape() {
        // PS3.5 H.3.1 example: Yamada^Tarou=山田^太郎=やまだ^たろう
        byte[] b = ("Yamada^Tarou=\u001b$B;3ED\u001b(B^\u001b$BB@O:\u001b(B=\u001b$B$d$^$@\u001b(B^\u001b$B$?$m$&"
                + "\u001b(B").getBytes(StandardCharsets.ISO_8859_1);
        SpecificCharacterSet cs = SpecificCharacterSet.of(List.of("", "ISO 2022 IR 87"));
        String s = decode(cs, b);
        assertEquals("Yamada^Tarou=山田^太郎=やまだ^たろう", s);
        assertArrayEquals(b, cs.encode(s, true));
    }

    @Test
    void koreanUsesG1Designation() {
        SpecificCharacterSet cs = SpecificCharacterSet.of(List.of("", "ISO 2022 IR 149"));
        String name = "Hong^Gildong=洪^吉洞=홍^길동";
        byte[] enc = cs.encode(name, true);
        assertEquals(name, decode(cs, enc));
    }

    @ParameterizedTest
    @CsvSource({"ISO_IR 100,Buc^Jérôme", "ISO_IR 144,Люкceмбypг", "ISO_IR 126,Διονυσιος", "ISO_IR 138,שרון^דבורה",
        "ISO_IR 127,قباني^لنزار", "ISO_IR 166,สวัสดี", "ISO_IR 192,Wang^XiaoDong=王^小東", "GB18030,Wang^XiaoDong=王^小东",
        "GBK,王^小东", "ISO_IR 203,€uro", "ISO_IR 148,İstanbul"})
    void singleByteAndUnicodeSetsRoundTrip(String term, String text) {
        SpecificCharacterSet cs = SpecificCharacterSet.of(List.of(term));
        assertEquals(text, decode(cs, cs.encode(text, true)));
    }

    @Test
    void jisRomanBackslashStaysTheValueDelimiter() {
        SpecificCharacterSet cs = SpecificCharacterSet.of(List.of("ISO 2022 IR 13", "ISO 2022 IR 87"));
        byte[] b = "ﾔﾏﾀﾞ\\ABC".getBytes(java.nio.charset.Charset.forName("Shift_JIS"));
        assertEquals("ﾔﾏﾀﾞ\\ABC", decode(cs, b));
        DicomElement e = DicomElement.ofBytes(Tags.PatientID, VR.LO, b, cs);
        assertEquals(List.of("ﾔﾏﾀﾞ", "ABC"), e.strings());
    }

    @Test
    void defaultRepertoireRejectsNonAsciiOnEncode() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SpecificCharacterSet.DEFAULT.encode("Jérôme", true));
        assertEquals(true, e.getMessage().contains("Specific Character Set"));
    }

    @Test
    void defaultRepertoireReadsHighBytesAsLatin1LikePydicom() {
        assertEquals("é", decode(SpecificCharacterSet.DEFAULT, new byte[] {(byte) 0xE9}));
    }

    @Test
    void emptyAndIsoIr6AreTheDefault() {
        assertEquals(SpecificCharacterSet.DEFAULT, SpecificCharacterSet.of(List.of("")));
        assertEquals(SpecificCharacterSet.DEFAULT, SpecificCharacterSet.of(List.of("ISO_IR 6")));
    }
}
