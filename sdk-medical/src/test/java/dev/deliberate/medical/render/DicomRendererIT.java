package dev.deliberate.medical.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.medical.dicom.DicomFile;
import dev.deliberate.medical.dicom.DicomReader;
import dev.deliberate.medical.testing.PeerSupport;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Decodes and renders real files and compares with pydicom (+GDCM/Pillow) decoding of the same files: stored values
 * and Modality LUT output exactly, VOI output within one grey level (the two round at different points), JPEG within
 * a small tolerance.
 */
class DicomRendererIT {
    static Path script;

    @TempDir
    Path tmp;

    @BeforeAll
    static void peers(@TempDir Path dir) throws IOException {
        PeerSupport.requirePydicom();
        script = dir.resolve("pydicom_pixels.py");
        try (InputStream in = DicomRendererIT.class.getResourceAsStream("pydicom_pixels.py")) {
            Files.copy(in, script);
        }
    }

    record Reference(long[] raw, double[] modality, double[] gray, byte[] rgb) {}

    Reference reference(Path file, int frame) throws IOException {
        Path out = Files.createTempDirectory(tmp, "ref");
        PeerSupport.Result r = PeerSupport.run(List.of(PeerSupport.PYTHON, script.toString(), file.toString(),
                Integer.toString(frame), out.toString()), 120);
        assertEquals(0, r.exitCode(), r.stderr());
        return new Reference(longs(out.resolve("raw.bin")), doubles(out.resolve("modality.bin")),
                doubles(out.resolve("gray.bin")),
                Files.exists(out.resolve("rgb.bin")) ? Files.readAllBytes(out.resolve("rgb.bin")) : null);
    }

    static long[] longs(Path p) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        long[] out = new long[b.remaining() / 8];
        b.asLongBuffer().get(out);
        return out;
    }

    static double[] doubles(Path p) throws IOException {
        if (!Files.exists(p)) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        double[] out = new double[b.remaining() / 8];
        b.asDoubleBuffer().get(out);
        return out;
    }

    @ParameterizedTest(name = "{0} frame {1}")
    @CsvSource({
        "CT_small.dcm, 0",            // explicit LE, signed 16-bit, rescale
        "MR_small.dcm, 0",            // explicit LE, window
        "MR_small_implicit.dcm, 0",
        "MR_small_bigendian.dcm, 0",  // explicit big endian
        "MR_small_RLE.dcm, 0",        // RLE 16-bit
        "rtdose.dcm, 7",              // 32-bit unsigned, multi-frame
        "rtdose_rle.dcm, 7",          // RLE 32-bit multi-frame
        "SC_rgb_rle.dcm, 0",          // RLE RGB 8-bit
        "SC_rgb_rle_2frame.dcm, 1",
        "SC_rgb_rle_16bit_2frame.dcm, 1",
        "SC_rgb_dcmtk_+eb+cr.dcm, 0", // native RGB
        "SC_rgb_small_odd.dcm, 0",
        "SC_ybr_full_422_uncompressed.dcm, 0",
        "image_dfl.dcm, 0",           // deflated
    })
    void storedAndModalityValuesMatchPydicomExactly(String name, int frame) throws IOException {
        Path path = PeerSupport.pydicomFile(name);
        DicomFile f = DicomReader.standard().read(path);
        RenderOptions opt = RenderOptions.defaults().withFrame(frame);
        DecodedFrame d = DicomRenderer.standard().decode(f, opt);
        Reference ref = reference(path, frame);
        long[] ours = new long[d.raw().length];
        boolean unsigned32 = f.dataset().getInt(dev.deliberate.medical.dicom.Tags.BitsStored).orElse(0) == 32
                && f.dataset().getInt(dev.deliberate.medical.dicom.Tags.PixelRepresentation).orElse(0) == 0;
        for (int i = 0; i < ours.length; i++) {
            ours[i] = unsigned32 ? Integer.toUnsignedLong(d.raw()[i]) : d.raw()[i];
        }
        if (!name.contains("ybr_full_422")) {
            assertArrayEquals(ref.raw(), ours, "stored values of " + name);
        }
        BufferedImage img = DicomRenderer.standard().render(f, opt);
        assertEquals(d.columns(), img.getWidth());
        if (d.samplesPerPixel() == 1) {
            assertArrayEquals(ref.modality(), DicomRenderer.standard().modalityValues(f.dataset(), d), 0.0,
                    "modality LUT output of " + name);
            if (ref.gray() != null) {
                byte[] gray = DicomRenderer.standard().toGray(f.dataset(), d, opt);
                int worst = 0;
                for (int i = 0; i < gray.length; i++) {
                    worst = Math.max(worst, (int) Math.abs((gray[i] & 0xFF) - Math.rint(ref.gray()[i])));
                }
                assertTrue(worst <= 1, name + ": VOI output differs by " + worst + " grey levels");
            }
        } else {
            assertRgbClose(ref.rgb(), img, 0, name);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"SC_rgb_jpeg_dcmtk.dcm", "SC_rgb_dcmtk_+eb+cy+np.dcm", "SC_rgb_dcmtk_+eb+cy+n2.dcm",
        "SC_rgb_small_odd_jpeg.dcm", "SC_jpeg_no_color_transform.dcm"})
    void jpegBaselineMatchesPydicomWithinTolerance(String name) throws IOException {
        Path path = PeerSupport.pydicomFile(name);
        DicomFile f = DicomReader.standard().read(path);
        Reference ref = reference(path, 0);
        BufferedImage img = DicomRenderer.standard().render(f, RenderOptions.defaults());
        assertRgbClose(ref.rgb(), img, 8, name);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"SC_rgb_jpeg_gdcm.dcm, 1.2.840.10008.1.2.4.70", "JPEG-lossy.dcm, 1.2.840.10008.1.2.4.51",
        "MR_small_jp2klossless.dcm, 1.2.840.10008.1.2.4.90", "MR_small_jpeg_ls_lossless.dcm, 1.2.840.10008.1.2.4.80"})
    void otherCompressionFailsNamingTheSyntax(String name, String uid) throws IOException {
        DicomFile f = DicomReader.standard().read(PeerSupport.pydicomFile(name));
        UnsupportedTransferSyntaxException e = org.junit.jupiter.api.Assertions.assertThrows(
                UnsupportedTransferSyntaxException.class, () -> DicomRenderer.standard().render(f,
                        RenderOptions.defaults()));
        assertEquals(uid, e.transferSyntax().uid());
        assertTrue(e.getMessage().contains(uid), e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void oneBitSegmentationIsRefusedClearly() throws IOException {
        DicomFile f = DicomReader.standard().read(PeerSupport.pydicomFile("liver_1frame.dcm"));
        RenderException e = org.junit.jupiter.api.Assertions.assertThrows(RenderException.class,
                () -> DicomRenderer.standard().render(f, RenderOptions.defaults()));
        assertTrue(e.getMessage().contains("Bits Allocated 1"), e.getMessage());
    }

    static void assertRgbClose(byte[] ref, BufferedImage img, int tolerance, String name) {
        int w = img.getWidth();
        int worst = 0;
        long sum = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < w; x++) {
                int p = img.getRGB(x, y);
                int o = (y * w + x) * 3;
                for (int s = 0; s < 3; s++) {
                    int ours = (p >>> (16 - 8 * s)) & 0xFF;
                    int diff = Math.abs(ours - (ref[o + s] & 0xFF));
                    worst = Math.max(worst, diff);
                    sum += diff;
                }
            }
        }
        System.out.println(name + ": RGB worst difference " + worst + ", mean " + (double) sum / (w * img.getHeight() * 3));
        assertTrue(worst <= tolerance, name + ": RGB differs by up to " + worst + " (mean "
                + (double) sum / (w * img.getHeight() * 3) + ")");
    }
}
