package dev.deliberate.medical.dicom;

import java.util.List;

/** Builds small synthetic datasets for unit tests (no external files). */
final class Synthetic {
    private Synthetic() {}

    /** A CT-like image with a nested sequence, a private block, text in UTF-8 and 16-bit pixel data. */
    static DicomObject ct(int n, int rows) {
        DicomObject code = DicomObject.builder()
                .setString(Tags.CodeValue, "113691")
                .setString(Tags.CodingSchemeDesignator, "DCM")
                .setString(Tags.CodeMeaning, "IHE Protocol")
                .build();
        DicomObject request = DicomObject.builder()
                .setString(Tags.RequestedProcedureID, "RP" + n)
                .setSequence(Tags.RequestedProcedureCodeSequence, List.of(code))
                .build();
        byte[] pixels = new byte[rows * rows * 2];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 31 + n);
        }
        return DicomObject.builder()
                .setString(Tags.SpecificCharacterSet, "ISO_IR 192")
                .setString(Tags.ImageType, "ORIGINAL", "PRIMARY", "AXIAL")
                .setString(Tags.SOPClassUID, "1.2.840.10008.5.1.4.1.1.2")
                .setString(Tags.SOPInstanceUID, "2.25.1000" + n)
                .setString(Tags.StudyDate, "20250128")
                .setString(Tags.Modality, "CT")
                .setString(Tags.PatientName, "Müller^Jürgen=ミュラー^ユルゲン")
                .setString(Tags.PatientID, "P" + (n % 7))
                .setString(Tags.StudyInstanceUID, "2.25.2000" + (n % 5))
                .setString(Tags.SeriesInstanceUID, "2.25.3000" + (n % 11))
                .setInt(Tags.InstanceNumber, n)
                .setDouble(Tags.SliceThickness, 1.25)
                .setDouble(Tags.ImagePositionPatient, -125.0, -125.0, n * 1.25)
                .setSequence(Tags.RequestAttributesSequence, List.of(request))
                .setString(0x00090010, VR.LO, "DELIBERATE TEST")
                .setString(0x00091001, VR.LO, "private value")
                .setInt(Tags.Rows, rows)
                .setInt(Tags.Columns, rows)
                .setInt(Tags.BitsAllocated, 16)
                .setInt(Tags.BitsStored, 12)
                .setInt(Tags.HighBit, 11)
                .setInt(Tags.PixelRepresentation, 0)
                .setInt(Tags.SamplesPerPixel, 1)
                .setString(Tags.PhotometricInterpretation, "MONOCHROME2")
                .setBytes(Tags.PixelData, VR.OW, pixels)
                .build();
    }

    static DicomFile file(DicomObject ds, TransferSyntax ts) {
        return new DicomFile(DicomObject.empty(), ds, ts);
    }
}
