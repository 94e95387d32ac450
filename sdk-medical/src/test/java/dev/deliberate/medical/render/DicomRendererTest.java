package dev.deliberate.medical.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.medical.dicom.DicomObject;
import dev.deliberate.medical.dicom.EncapsulatedPixelData;
import dev.deliberate.medical.dicom.BulkData;
import dev.deliberate.medical.dicom.DicomElement;
import dev.deliberate.medical.dicom.Tags;
import dev.deliberate.medical.dicom.TransferSyntax;
import dev.deliberate.medical.dicom.VR;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DicomRendererTest {
    static final TransferSyntax LE = TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN;

    static DicomObject.Builder mono(int rows, int cols, byte[] pixels) {
        return DicomObject.builder().setInt(Tags.Rows, rows).setInt(Tags.Columns, cols)
                .setInt(Tags.SamplesPerPixel, 1).setString(Tags.PhotometricInterpretation, "MONOCHROME2")
                .setInt(Tags.BitsAllocated, 16).setInt(Tags.BitsStored, 12).setInt(Tags.HighBit, 11)
                .setInt(Tags.PixelRepresentation, 1).setBytes(Tags.PixelData, VR.OW, pixels);
    }

    static byte[] words(int... v) {
        byte[] b = new byte[v.length * 2];
        for (int i = 0; i < v.length; i++) {
            b[2 * i] = (byte) v[i];
            b[2 * i + 1] = (byte) (v[i] >> 8);
        }
        return b;
    }

    @Test
    void storedValuesAreMaskedAndSignExtendedFromBitsStored() throws IOException {
        // 12 bits stored, signed: 0x0FFF is -1, 0x0800 is -2048, high garbage bits ignored
        DicomObject ds = mono(1, 4, words(0x0FFF, 0x0800, 0xF7FF, 0x0001)).build();
        DecodedFrame f = DicomRenderer.standard().decode(ds, LE, RenderOptions.defaults());
        assertEquals(List.of(-1, -2048, 2047, 1), List.of(f.sample(0, 0, 0), f.sample(0, 1, 0), f.sample(0, 2, 0),
                f.sample(0, 3, 0)));
    }

    @Test
    void linearWindowFollowsPs33Formula() {
        Window w = Window.of(40, 400);
        assertEquals(0, VoiFunction.LINEAR.apply(-160, w, 0, 255));
        assertEquals(255, VoiFunction.LINEAR.apply(240, w, 0, 255));
        assertEquals(((40 - 39.5) / 399 + 0.5) * 255, VoiFunction.LINEAR.apply(40, w, 0, 255), 1e-12);
        assertEquals(127.5, VoiFunction.LINEAR_EXACT.apply(40, w, 0, 255), 1e-12);
        assertEquals(127.5, VoiFunction.SIGMOID.apply(40, w, 0, 255), 1e-12);
    }

    @Test
    void rescaleAndGivenWindowProduceExpectedGrey() throws IOException {
        DicomObject ds = mono(1, 3, words(0, 1024, 2047)).setString(Tags.RescaleSlope, "1")
                .setString(Tags.RescaleIntercept, "-1024").build();
        BufferedImage img = DicomRenderer.standard().render(ds, LE, RenderOptions.defaults()
                .withWindow(Window.of(0, 2)));
        assertEquals(0, img.getRaster().getSample(0, 0, 0));
        assertEquals(255, img.getRaster().getSample(2, 0, 0));
    }

    @Test
    void monochrome1IsInverted() throws IOException {
        DicomObject ds = mono(1, 2, words(0, 100)).setString(Tags.PhotometricInterpretation, "MONOCHROME1").build();
        BufferedImage img = DicomRenderer.standard().render(ds, LE, RenderOptions.defaults());
        assertEquals(255, img.getRaster().getSample(0, 0, 0));
        assertEquals(0, img.getRaster().getSample(1, 0, 0));
    }

    @Test
    void missingPixelDataFailsClearly() {
        DicomObject ds = mono(2, 2, new byte[8]).remove(Tags.PixelData).build();
        RenderException e = assertThrows(RenderException.class,
                () -> DicomRenderer.standard().render(ds, LE, RenderOptions.defaults()));
        assertTrue(e.getMessage().contains("no Pixel Data"), e.getMessage());
    }

    @Test
    void pixelDataShorterThanDeclaredFailsWithBothSizes() {
        DicomObject ds = mono(4, 4, new byte[30]).build();
        RenderException e = assertThrows(RenderException.class,
                () -> DicomRenderer.standard().render(ds, LE, RenderOptions.defaults()));
        assertTrue(e.getMessage().contains("30 bytes") && e.getMessage().contains("need 32"), e.getMessage());
    }

    @Test
    void absurdRowsAndColumnsAreRefusedBeforeAllocating() {
        DicomObject ds = mono(65535, 65535, new byte[8]).build();
        RenderException e = assertThrows(RenderException.class,
                () -> DicomRenderer.standard().render(ds, LE, RenderOptions.defaults()));
        assertTrue(e.getMessage().contains("exceed the limit"), e.getMessage());
        DicomObject zero = mono(0, 4, new byte[8]).build();
        assertThrows(RenderException.class, () -> DicomRenderer.standard().render(zero, LE, RenderOptions.defaults()));
    }

    @Test
    void unknownPhotometricInterpretationIsNamed() {
        DicomObject ds = mono(1, 1, new byte[2]).setString(Tags.PhotometricInterpretation, "HSV").build();
        RenderException e = assertThrows(RenderException.class,
                () -> DicomRenderer.standard().render(ds, LE, RenderOptions.defaults()));
        assertTrue(e.getMessage().contains("HSV"), e.getMessage());
    }

    @Test
    void frameOutOfRangeFails() {
        DicomObject ds = mono(1, 1, new byte[2]).build();
        assertThrows(RenderException.class,
                () -> DicomRenderer.standard().render(ds, LE, RenderOptions.defaults().withFrame(1)));
    }

    @Test
    void rleRunsThatOverrunTheirPlaneFail() {
        byte[] frame = new byte[64 + 4];
        frame[0] = 1; // one segment
        frame[4] = 64; // at offset 64
        frame[64] = (byte) -100; // replicate 101 times into a 4-byte plane
        frame[65] = 7;
        assertThrows(RenderException.class, () -> RleDecoder.decode(frame, 4, 1, 1));
        byte[] ok = new byte[64 + 2];
        ok[0] = 1;
        ok[4] = 64;
        ok[64] = (byte) -3; // 4 times
        ok[65] = 9;
        assertEquals(9, RleDecoder.decode(ok, 4, 1, 1)[3]);
    }

    @Test
    void rleDatasetRendersThroughEncapsulatedFragments() throws IOException {
        byte[] frame = new byte[64 + 2];
        frame[0] = 1;
        frame[4] = 64;
        frame[64] = (byte) -3;
        frame[65] = (byte) 200;
        DicomObject ds = DicomObject.builder().setInt(Tags.Rows, 2).setInt(Tags.Columns, 2)
                .setInt(Tags.SamplesPerPixel, 1).setString(Tags.PhotometricInterpretation, "MONOCHROME2")
                .setInt(Tags.BitsAllocated, 8).setInt(Tags.BitsStored, 8).setInt(Tags.HighBit, 7)
                .setInt(Tags.PixelRepresentation, 0)
                .set(DicomElement.ofEncapsulated(Tags.PixelData, new EncapsulatedPixelData(List.of(),
                        List.of(BulkData.ofBytes(frame))))).build();
        DecodedFrame f = DicomRenderer.standard().decode(ds, TransferSyntax.of("1.2.840.10008.1.2.5"),
                RenderOptions.defaults());
        assertEquals(200, f.sample(1, 1, 0));
    }

    @Test
    void pngIsWrittenAtomically(@TempDir Path dir) throws IOException {
        DicomObject ds = mono(2, 2, words(1, 2, 3, 4)).build();
        Path target = dir.resolve("out.png");
        DicomRenderer.standard().writePng(new dev.deliberate.medical.dicom.DicomFile(DicomObject.empty(), ds, LE),
                RenderOptions.defaults(), target);
        assertEquals(2, javax.imageio.ImageIO.read(target.toFile()).getWidth());
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temporary file left");
        }
    }

    @Test
    void rgbChannelsLandInTheRightPlace() throws IOException {
        DicomObject ds = DicomObject.builder().setInt(Tags.Rows, 1).setInt(Tags.Columns, 1)
                .setInt(Tags.SamplesPerPixel, 3).setString(Tags.PhotometricInterpretation, "RGB")
                .setInt(Tags.BitsAllocated, 8).setInt(Tags.BitsStored, 8).setInt(Tags.HighBit, 7)
                .setInt(Tags.PixelRepresentation, 0).setInt(Tags.PlanarConfiguration, 0)
                .setBytes(Tags.PixelData, VR.OB, new byte[] {(byte) 200, 100, 10, 0}).build();
        BufferedImage img = DicomRenderer.standard().render(ds, LE, RenderOptions.defaults());
        assertEquals(0xC8640A, img.getRGB(0, 0) & 0xFFFFFF);
    }

    @Test
    void windowTextParses() {
        assertEquals(Window.of(40, 400), Window.parse("40, 400"));
        assertThrows(IllegalArgumentException.class, () -> Window.parse("40"));
        assertThrows(IllegalArgumentException.class, () -> Window.parse("40,0"));
    }
}
