package dev.deliberate.medical.net;

import dev.deliberate.medical.dicom.DicomFile;
import dev.deliberate.medical.dicom.DicomObject;
import dev.deliberate.medical.dicom.DicomWriter;
import dev.deliberate.medical.dicom.Tags;
import dev.deliberate.medical.dicom.TransferSyntax;
import dev.deliberate.medical.dicom.VR;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** Synthetic instances and byte comparisons for the networking tests. */
final class NetFixtures {
    static final String CT = "1.2.840.10008.5.1.4.1.1.2";

    private NetFixtures() {}

    /** A small CT image with pseudo-random pixels (fixed seed per instance). */
    static DicomObject ct(String study, int n, int rows) {
        byte[] pixels = new byte[rows * rows * 2];
        new Random(n * 7919L + study.hashCode()).nextBytes(pixels);
        return DicomObject.builder()
                .setString(Tags.SpecificCharacterSet, "ISO_IR 192")
                .setString(Tags.SOPClassUID, CT)
                .setString(Tags.SOPInstanceUID, study + "." + n)
                .setString(Tags.StudyDate, "20250128")
                .setString(Tags.Modality, "CT")
                .setString(Tags.PatientName, "Test^Patient")
                .setString(Tags.PatientID, "NET" + study.length())
                .setString(Tags.StudyInstanceUID, study)
                .setString(Tags.SeriesInstanceUID, study + ".1")
                .setInt(Tags.InstanceNumber, n)
                .setInt(Tags.Rows, rows)
                .setInt(Tags.Columns, rows)
                .setInt(Tags.BitsAllocated, 16)
                .setInt(Tags.BitsStored, 16)
                .setInt(Tags.HighBit, 15)
                .setInt(Tags.PixelRepresentation, 0)
                .setInt(Tags.SamplesPerPixel, 1)
                .setString(Tags.PhotometricInterpretation, "MONOCHROME2")
                .setBytes(Tags.PixelData, VR.OW, pixels)
                .build();
    }

    /** Writes {@code count} CT files of one study into {@code dir}. */
    static List<Path> writeStudy(Path dir, String study, int count, int rows, TransferSyntax ts) throws IOException {
        Files.createDirectories(dir);
        List<Path> out = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            Path f = dir.resolve("ct" + i + ".dcm");
            DicomWriter.standard().write(new DicomFile(DicomObject.empty(), ct(study, i, rows), ts), f);
            out.add(f);
        }
        return out;
    }

    /** The dataset bytes of a Part 10 file (after the file meta group). */
    static byte[] datasetBytes(Path file) throws IOException {
        long off = Association.datasetOffset(file);
        if (off < 0) {
            throw new IOException(file + " has no meta group length");
        }
        byte[] all = Files.readAllBytes(file);
        return Arrays.copyOfRange(all, (int) off, all.length);
    }

    /** Every regular file under {@code dir}. */
    static List<Path> filesUnder(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
