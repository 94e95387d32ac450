package dev.deliberate.medical.render;

import dev.deliberate.core.io.AtomicFiles;
import dev.deliberate.medical.dicom.BulkData;
import dev.deliberate.medical.dicom.DicomElement;
import dev.deliberate.medical.dicom.DicomFile;
import dev.deliberate.medical.dicom.DicomObject;
import dev.deliberate.medical.dicom.DicomValueException;
import dev.deliberate.medical.dicom.EncapsulatedPixelData;
import dev.deliberate.medical.dicom.Sequence;
import dev.deliberate.medical.dicom.Tags;
import dev.deliberate.medical.dicom.TransferSyntax;
import dev.deliberate.medical.dicom.VR;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Renders DICOM images to 8-bit pictures (and PNG) for people and vision models, following the grayscale pipeline of
 * PS3.3 C.11: stored values (Bits Stored, High Bit, Pixel Representation) through the Modality LUT (Rescale Slope and
 * Intercept, or a Modality LUT Sequence) and the VOI LUT (a window from the options, else the file's first Window
 * Center/Width with its VOI LUT Function, else the frame's full range), MONOCHROME1 inverted. Colour images (RGB,
 * YBR_FULL, YBR_FULL_422, planar configuration 0 or 1) are converted to RGB.
 *
 * <p>Decodes native (uncompressed) pixel data, RLE Lossless (in Java) and 8-bit JPEG Baseline/Extended (through the
 * JDK's ImageIO, raw components, colour converted here); other syntaxes fail with
 * {@link UnsupportedTransferSyntaxException}. Declared sizes are checked against the bytes present and against
 * {@link RenderOptions#maxSamples()} before anything is allocated. Thread-safe.
 *
 * <pre>{@code
 * DicomFile f = DicomReader.standard().read(Path.of("CT_small.dcm"));
 * DicomRenderer.standard().writePng(f, RenderOptions.defaults().withWindow(Window.of(40, 400)), Path.of("ct.png"));
 * }</pre>
 */
public final class DicomRenderer {
    private static final DicomRenderer STANDARD = new DicomRenderer();
    private static final String RLE = "1.2.840.10008.1.2.5";
    private static final String JPEG_BASELINE = "1.2.840.10008.1.2.4.50";
    private static final String JPEG_EXTENDED = "1.2.840.10008.1.2.4.51";
    private static final String ENCAPSULATED_UNCOMPRESSED = "1.2.840.10008.1.2.1.98";

    private DicomRenderer() {}

    /** The renderer. */
    public static DicomRenderer standard() {
        return STANDARD;
    }

    /** The Image Pixel module attributes this renderer needs, validated. */
    record ImageModule(int rows, int columns, int samples, String photometric, int bitsAllocated, int bitsStored,
            int highBit, boolean signed, int planar, int frames) {

        long samplesPerFrame() {
            return (long) rows * columns * samples;
        }

        /** Bytes of one native frame (YBR_FULL_422 keeps two samples per pixel). */
        long nativeFrameBytes() {
            long perPixel = photometric.equals("YBR_FULL_422") ? 2 : samples;
            return (long) rows * columns * perPixel * (bitsAllocated / 8);
        }

        boolean monochrome() {
            return photometric.startsWith("MONOCHROME");
        }
    }

    static ImageModule module(DicomObject ds, RenderOptions options) {
        try {
            int rows = required(ds, Tags.Rows, "Rows");
            int cols = required(ds, Tags.Columns, "Columns");
            int samples = ds.getInt(Tags.SamplesPerPixel).orElse(1);
            String pi = ds.getString(Tags.PhotometricInterpretation).map(s -> s.strip().toUpperCase(Locale.ROOT))
                    .orElseThrow(() -> new RenderException("Photometric Interpretation (0028,0004) is missing"));
            int ba = required(ds, Tags.BitsAllocated, "Bits Allocated");
            int bs = ds.getInt(Tags.BitsStored).orElse(ba);
            int hb = ds.getInt(Tags.HighBit).orElse(bs - 1);
            int pr = ds.getInt(Tags.PixelRepresentation).orElse(0);
            int pc = ds.getInt(Tags.PlanarConfiguration).orElse(0);
            int frames = ds.getInt(Tags.NumberOfFrames).orElse(1);
            if (rows <= 0 || cols <= 0) {
                throw new RenderException("Rows and Columns must be positive: " + rows + " x " + cols);
            }
            switch (pi) {
                case "MONOCHROME1": case "MONOCHROME2":
                    if (samples != 1) {
                        throw new RenderException(pi + " needs Samples per Pixel 1, not " + samples);
                    }
                    break;
                case "RGB": case "YBR_FULL": case "YBR_FULL_422":
                    if (samples != 3) {
                        throw new RenderException(pi + " needs Samples per Pixel 3, not " + samples);
                    }
                    break;
                default:
                    throw new RenderException("Photometric Interpretation " + pi + " is not supported (supported: "
                            + "MONOCHROME1, MONOCHROME2, RGB, YBR_FULL, YBR_FULL_422)");
            }
            if (ba != 8 && ba != 16 && ba != 32) {
                throw new RenderException("Bits Allocated " + ba + " is not supported (8, 16 or 32)");
            }
            if (bs < 1 || bs > ba || hb < bs - 1 || hb >= ba) {
                throw new RenderException("inconsistent Bits Stored " + bs + " / High Bit " + hb + " for Bits "
                        + "Allocated " + ba);
            }
            if (pr != 0 && pr != 1) {
                throw new RenderException("Pixel Representation must be 0 or 1, not " + pr);
            }
            if (frames < 1) {
                throw new RenderException("Number of Frames must be at least 1, not " + frames);
            }
            if (pi.equals("YBR_FULL_422") && cols % 2 != 0) {
                throw new RenderException("YBR_FULL_422 needs an even number of columns, not " + cols);
            }
            ImageModule m = new ImageModule(rows, cols, samples, pi, ba, bs, hb, pr == 1, pc, frames);
            if (m.samplesPerFrame() > options.maxSamples()) {
                throw new RenderException(rows + " x " + cols + " x " + samples + " samples per frame exceed the "
                        + "limit of " + options.maxSamples());
            }
            if (options.frame() >= frames) {
                throw new RenderException("frame " + options.frame() + " does not exist: the image has " + frames
                        + " frame(s), numbered from 0");
            }
            return m;
        } catch (DicomValueException e) {
            throw new RenderException("bad Image Pixel module: " + e.getMessage(), e);
        }
    }

    private static int required(DicomObject ds, int tag, String name) {
        return ds.getInt(tag).orElseThrow(() -> new RenderException(name + " is missing"));
    }

    /**
     * Decodes one frame of a file to stored values.
     *
     * @throws RenderException                    when the pixel module or data is missing, inconsistent or too big
     * @throws UnsupportedTransferSyntaxException when the compression is not supported
     * @throws IOException                        when lazily kept pixel data cannot be read from the file
     */
    public DecodedFrame decode(DicomFile file, RenderOptions options) throws IOException {
        return decode(file.dataset(), file.transferSyntax(), options);
    }

    /** Decodes one frame of a dataset encoded in {@code ts}; see {@link #decode(DicomFile, RenderOptions)}. */
    public DecodedFrame decode(DicomObject ds, TransferSyntax ts, RenderOptions options) throws IOException {
        Objects.requireNonNull(ts, "ts");
        if (ds.contains(Tags.FloatPixelData) || ds.contains(Tags.DoubleFloatPixelData)) {
            throw new RenderException("float pixel data (7FE0,0008/0009) is not supported");
        }
        DicomElement px = ds.get(Tags.PixelData)
                .orElseThrow(() -> new RenderException("the dataset has no Pixel Data (7FE0,0010)"));
        ImageModule m = module(ds, options);
        int pixels = m.rows() * m.columns();
        Optional<EncapsulatedPixelData> enc = px.encapsulated();
        if (enc.isPresent()) {
            List<BulkData> fragments;
            try {
                fragments = enc.get().frameFragments(options.frame(), m.frames());
            } catch (IllegalArgumentException e) {
                throw new RenderException("cannot find frame " + options.frame() + ": " + e.getMessage(), e);
            }
            byte[] data = concat(fragments, m.nativeFrameBytes() * 4 + (1 << 20));
            switch (ts.uid()) {
                case RLE: {
                    int[] raw = RleDecoder.decode(data, pixels, m.samples(), m.bitsAllocated() / 8);
                    return finish(m, raw, m.photometric().equals("YBR_FULL_422") ? "YBR_FULL" : m.photometric());
                }
                case JPEG_BASELINE: case JPEG_EXTENDED:
                    if (m.bitsAllocated() != 8 || m.bitsStored() != 8) {
                        throw new UnsupportedTransferSyntaxException(ts, "only 8-bit JPEG is decoded (the JDK has "
                                + "no 12-bit JPEG decoder); this image has " + m.bitsStored() + " bits stored");
                    }
                    return jpeg(m, data);
                case ENCAPSULATED_UNCOMPRESSED:
                    return nativeFrame(m, data, ts, px.vr());
                default:
                    throw new UnsupportedTransferSyntaxException(ts, "supported are native, RLE Lossless and 8-bit "
                            + "JPEG Baseline/Extended; decompress the file first");
            }
        }
        if (ts.encapsulated()) {
            throw new RenderException("transfer syntax " + ts.name() + " needs encapsulated pixel data, but Pixel "
                    + "Data is native");
        }
        long frameBytes = m.nativeFrameBytes();
        long needed = frameBytes * m.frames();
        long have = px.length();
        if (have < needed) {
            throw new RenderException("Pixel Data has " + have + " bytes, but " + m.rows() + " x " + m.columns()
                    + " x " + m.samples() + " samples x " + m.bitsAllocated() + " bits x " + m.frames()
                    + " frame(s) need " + needed);
        }
        return nativeFrame(m, frameBytes(px, options.frame() * frameBytes, frameBytes), ts, px.vr());
    }

    private static byte[] frameBytes(DicomElement px, long offset, long length) throws IOException {
        Optional<byte[]> inline = px.bytes();
        if (inline.isPresent()) {
            byte[] all = inline.get();
            byte[] out = new byte[(int) length];
            System.arraycopy(all, (int) offset, out, 0, (int) length);
            return out;
        }
        BulkData bulk = px.bulkData().orElseThrow(() -> new RenderException("Pixel Data has no readable value"));
        try (InputStream in = bulk.open()) {
            in.skipNBytes(offset);
            byte[] out = in.readNBytes((int) length);
            if (out.length != length) {
                throw new RenderException("Pixel Data ended after " + (offset + out.length) + " bytes; frame needs "
                        + (offset + length));
            }
            return out;
        } catch (java.io.EOFException e) {
            throw new RenderException("Pixel Data is shorter than its frame offset " + offset, e);
        }
    }

    private static byte[] concat(List<BulkData> fragments, long max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (BulkData f : fragments) {
            if (out.size() + f.length() > max) {
                throw new RenderException("compressed frame is larger than " + max + " bytes, more than its "
                        + "uncompressed size allows");
            }
            f.transferTo(out);
        }
        return out.toByteArray();
    }

    private static DecodedFrame nativeFrame(ImageModule m, byte[] data, TransferSyntax ts, VR vr) {
        int bytes = m.bitsAllocated() / 8;
        if (ts.bigEndian() && bytes == 1 && vr == VR.OW) {
            for (int i = 0; i + 1 < data.length; i += 2) { // the reader swapped OW words; 8-bit samples were bytes
                byte t = data[i];
                data[i] = data[i + 1];
                data[i + 1] = t;
            }
        }
        int pixels = m.rows() * m.columns();
        int perPixel = m.photometric().equals("YBR_FULL_422") ? 2 : m.samples();
        int n = pixels * perPixel;
        if ((long) n * bytes > data.length) {
            throw new RenderException("frame has " + data.length + " bytes; " + ((long) n * bytes) + " needed");
        }
        int[] stored = new int[n];
        for (int i = 0; i < n; i++) {
            int o = i * bytes;
            switch (bytes) {
                case 1: stored[i] = data[o] & 0xFF; break;
                case 2: stored[i] = (data[o] & 0xFF) | (data[o + 1] & 0xFF) << 8; break;
                default: stored[i] = (data[o] & 0xFF) | (data[o + 1] & 0xFF) << 8 | (data[o + 2] & 0xFF) << 16
                        | (data[o + 3] & 0xFF) << 24;
            }
        }
        int[] interleaved;
        String pi = m.photometric();
        if (pi.equals("YBR_FULL_422")) {
            interleaved = new int[pixels * 3];
            for (int p = 0; p < pixels; p += 2) { // Y1 Y2 Cb Cr for each pair of pixels (PS3.3 C.7.6.3.1.2)
                int o = p * 2;
                interleaved[p * 3] = stored[o];
                interleaved[p * 3 + 1] = stored[o + 2];
                interleaved[p * 3 + 2] = stored[o + 3];
                interleaved[p * 3 + 3] = stored[o + 1];
                interleaved[p * 3 + 4] = stored[o + 2];
                interleaved[p * 3 + 5] = stored[o + 3];
            }
            pi = "YBR_FULL";
        } else if (m.samples() == 3 && m.planar() == 1) {
            interleaved = new int[n];
            for (int p = 0; p < pixels; p++) {
                for (int s = 0; s < 3; s++) {
                    interleaved[p * 3 + s] = stored[s * pixels + p];
                }
            }
        } else {
            interleaved = stored;
        }
        return finish(m, interleaved, pi);
    }

    /** Masks to Bits Stored (below High Bit) and sign-extends. */
    private static DecodedFrame finish(ImageModule m, int[] raw, String photometric) {
        int shift = m.highBit() + 1 - m.bitsStored();
        int bs = m.bitsStored();
        long mask = bs == 32 ? 0xFFFFFFFFL : (1L << bs) - 1;
        for (int i = 0; i < raw.length; i++) {
            long v = ((raw[i] & 0xFFFFFFFFL) >>> shift) & mask;
            if (m.signed() && bs < 32 && (v & (1L << (bs - 1))) != 0) {
                v -= 1L << bs;
            }
            raw[i] = (int) v;
        }
        return new DecodedFrame(m.rows(), m.columns(), m.samples(), photometric, raw);
    }

    private static DecodedFrame jpeg(ImageModule m, byte[] data) throws IOException {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
        if (!readers.hasNext()) {
            throw new RenderException("this Java runtime has no JPEG decoder");
        }
        ImageReader reader = readers.next();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(data))) {
            reader.setInput(in);
            Raster r;
            try {
                r = reader.readRaster(0, null); // raw components: no colour conversion by ImageIO
            } catch (IOException | RuntimeException e) {
                throw new RenderException("JPEG decoding failed: " + e.getMessage(), e);
            }
            if (r.getWidth() != m.columns() || r.getHeight() != m.rows() || r.getNumBands() != m.samples()) {
                throw new RenderException("JPEG stream is " + r.getWidth() + " x " + r.getHeight() + " x "
                        + r.getNumBands() + ", but the dataset declares " + m.columns() + " x " + m.rows() + " x "
                        + m.samples());
            }
            int[] values = r.getPixels(0, 0, m.columns(), m.rows(), (int[]) null);
            String pi = m.photometric().equals("YBR_FULL_422") ? "YBR_FULL" : m.photometric();
            return finish(m, values, pi);
        } finally {
            reader.dispose();
        }
    }

    /**
     * The Modality LUT output of a monochrome frame: Rescale Slope/Intercept (defaults 1 and 0) or, when no rescale
     * is given, the first Modality LUT Sequence item.
     *
     * @throws RenderException when the frame is not monochrome or the LUT is malformed
     */
    public double[] modalityValues(DicomObject ds, DecodedFrame frame) {
        if (frame.samplesPerPixel() != 1) {
            throw new RenderException("the Modality LUT applies to monochrome images only");
        }
        int[] v = frame.raw();
        boolean unsigned32 = ds.getInt(Tags.BitsStored).orElse(0) == 32 && ds.getInt(Tags.PixelRepresentation)
                .orElse(0) == 0;
        double[] out = new double[v.length];
        Optional<Sequence> lut = ds.getSequence(Tags.ModalityLUTSequence);
        if (!ds.contains(Tags.RescaleSlope) && !ds.contains(Tags.RescaleIntercept) && lut.isPresent()
                && !lut.get().isEmpty()) {
            Lut l = Lut.of(lut.get().get(0));
            for (int i = 0; i < v.length; i++) {
                out[i] = l.apply(v[i]);
            }
            return out;
        }
        double slope;
        double intercept;
        try {
            slope = ds.getDouble(Tags.RescaleSlope).orElse(1);
            intercept = ds.getDouble(Tags.RescaleIntercept).orElse(0);
        } catch (DicomValueException e) {
            throw new RenderException("bad rescale: " + e.getMessage(), e);
        }
        for (int i = 0; i < v.length; i++) {
            double x = unsigned32 ? Integer.toUnsignedLong(v[i]) : v[i];
            out[i] = x * slope + intercept;
        }
        return out;
    }

    /** A LUT from LUT Descriptor (entries, first mapped value, bits) and LUT Data. */
    private record Lut(int entries, int first, int[] data) {
        static Lut of(DicomObject item) {
            int[] d = item.getInts(Tags.LUTDescriptor);
            if (d.length != 3) {
                throw new RenderException("LUT Descriptor must have 3 values");
            }
            int entries = d[0] == 0 ? 65536 : d[0] & 0xFFFF;
            int first = item.get(Tags.LUTDescriptor).map(e -> e.vr() == VR.SS).orElse(false) ? (short) d[1] : d[1];
            DicomElement data = item.get(Tags.LUTData)
                    .orElseThrow(() -> new RenderException("LUT Data is missing"));
            long[] vals = data.longs();
            if (vals.length < entries) {
                throw new RenderException("LUT Data has " + vals.length + " entries; descriptor says " + entries);
            }
            int[] out = new int[entries];
            for (int i = 0; i < entries; i++) {
                out[i] = (int) vals[i];
            }
            return new Lut(entries, first, out);
        }

        double apply(int x) {
            int i = x - first;
            return data[i < 0 ? 0 : Math.min(i, entries - 1)];
        }
    }

    /**
     * Renders one frame to an 8-bit image: {@code TYPE_BYTE_GRAY} for monochrome, {@code TYPE_3BYTE_BGR} for colour.
     *
     * @throws RenderException                    as {@link #decode(DicomFile, RenderOptions)}
     * @throws UnsupportedTransferSyntaxException when the compression is not supported
     * @throws IOException                        when lazily kept pixel data cannot be read
     */
    public BufferedImage render(DicomFile file, RenderOptions options) throws IOException {
        return render(file.dataset(), file.transferSyntax(), options);
    }

    /** Renders one frame of a dataset encoded in {@code ts}; see {@link #render(DicomFile, RenderOptions)}. */
    public BufferedImage render(DicomObject ds, TransferSyntax ts, RenderOptions options) throws IOException {
        DecodedFrame f = decode(ds, ts, options);
        int w = f.columns();
        int h = f.rows();
        if (f.samplesPerPixel() == 1) {
            byte[] gray = toGray(ds, f, options);
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
            img.getRaster().setDataElements(0, 0, w, h, gray);
            return img;
        }
        int[] rgb = toRgb(ds, f);
        byte[] samples = new byte[rgb.length * 3]; // raster bands are R, G, B whatever the byte layout
        for (int i = 0; i < rgb.length; i++) {
            samples[3 * i] = (byte) (rgb[i] >> 16);
            samples[3 * i + 1] = (byte) (rgb[i] >> 8);
            samples[3 * i + 2] = (byte) rgb[i];
        }
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        img.getRaster().setDataElements(0, 0, w, h, samples);
        return img;
    }

    /** The 8-bit output of the grayscale pipeline for a decoded monochrome frame. */
    byte[] toGray(DicomObject ds, DecodedFrame f, RenderOptions options) {
        double[] mod = modalityValues(ds, f);
        Window win = options.window().or(() -> fileWindow(ds)).orElseGet(() -> fullRange(mod));
        boolean invert = f.photometricInterpretation().equals("MONOCHROME1");
        byte[] out = new byte[mod.length];
        for (int i = 0; i < mod.length; i++) {
            long y = Math.round(win.function().apply(mod[i], win, 0, 255));
            int v = (int) Math.max(0, Math.min(255, y));
            out[i] = (byte) (invert ? 255 - v : v);
        }
        return out;
    }

    /** The first Window Center/Width of the file with its VOI LUT Function; empty when absent or unusable. */
    static Optional<Window> fileWindow(DicomObject ds) {
        try {
            double[] c = ds.getDoubles(Tags.WindowCenter);
            double[] w = ds.getDoubles(Tags.WindowWidth);
            if (c.length == 0 || w.length == 0 || !(w[0] > 0)) {
                return Optional.empty();
            }
            VoiFunction fn = ds.getString(Tags.VOILUTFunction).flatMap(VoiFunction::fromDicom)
                    .orElse(VoiFunction.LINEAR);
            return Optional.of(new Window(c[0], w[0], fn));
        } catch (DicomValueException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Window fullRange(double[] v) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double d : v) {
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        double width = Math.max(max - min, 1e-9);
        return new Window((min + max) / 2, width, VoiFunction.LINEAR_EXACT);
    }

    /** Packed 0xRRGGBB per pixel, YBR converted as PS3.3 C.7.6.3.1.2 (coefficients of ITU-R BT.601, full range). */
    static int[] toRgb(DicomObject ds, DecodedFrame f) {
        int[] v = f.raw();
        int pixels = f.rows() * f.columns();
        int bs = ds.getInt(Tags.BitsStored).orElse(8);
        int down = Math.max(0, bs - 8);
        boolean ybr = f.photometricInterpretation().startsWith("YBR");
        int[] out = new int[pixels];
        for (int p = 0; p < pixels; p++) {
            int a = v[p * 3] >>> down;
            int b = v[p * 3 + 1] >>> down;
            int c = v[p * 3 + 2] >>> down;
            int r;
            int g;
            int bl;
            if (ybr) {
                double cb = b - 128.0;
                double cr = c - 128.0;
                r = clamp(Math.floor(a + 1.402 * cr + 0.5));
                g = clamp(Math.floor(a - (0.114 * 1.772 / 0.587) * cb - (0.299 * 1.402 / 0.587) * cr + 0.5));
                bl = clamp(Math.floor(a + 1.772 * cb + 0.5));
            } else {
                r = a & 0xFF;
                g = b & 0xFF;
                bl = c & 0xFF;
            }
            out[p] = r << 16 | g << 8 | bl;
        }
        return out;
    }

    private static int clamp(double d) {
        return (int) Math.max(0, Math.min(255, d));
    }

    /** Encodes an image as PNG. */
    public byte[] toPng(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", out)) {
                throw new RenderException("this Java runtime has no PNG encoder");
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // in-memory
        }
        return out.toByteArray();
    }

    /**
     * Renders one frame and writes it as PNG, atomically: a temporary file beside {@code target} is moved over it,
     * so a failure leaves no partial file.
     *
     * @throws IOException when reading pixel data or writing the file fails
     */
    public void writePng(DicomFile file, RenderOptions options, Path target) throws IOException {
        byte[] png = toPng(render(file, options));
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        AtomicFiles.write(target, png);
    }
}
