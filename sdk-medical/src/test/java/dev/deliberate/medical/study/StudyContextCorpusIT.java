package dev.deliberate.medical.study;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.deliberate.medical.dicom.DicomObject;
import dev.deliberate.medical.dicom.DicomReadOptions;
import dev.deliberate.medical.dicom.DicomReader;
import dev.deliberate.medical.dicom.Tags;
import dev.deliberate.medical.dicom.VR;
import dev.deliberate.medical.testing.PeerSupport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Summarises real files and proves no name, ID, date, UID or institution of theirs appears in the prompt block. */
class StudyContextCorpusIT {

    @ParameterizedTest
    @ValueSource(strings = {"CT_small.dcm", "MR_small.dcm", "test-SR.dcm", "rtplan.dcm", "rtdose.dcm",
        "waveform_ecg.dcm", "JPEG2000.dcm", "reportsi.dcm", "SC_rgb_rle.dcm", "MR_small_RLE.dcm"})
    void promptBlockHoldsNoIdentifierOfTheSource(String name) throws Exception {
        Path p = PeerSupport.PYDICOM_FILES.resolve(name);
        PeerSupport.require(java.nio.file.Files.isDirectory(PeerSupport.PYDICOM_FILES), "pydicom test files");
        PeerSupport.require(java.nio.file.Files.exists(p), p.toString());
        DicomObject ds = new DicomReader(DicomReadOptions.defaults().withStopBeforePixels(true)).read(p).dataset();
        String block = StudyContext.of(ds).toPromptBlock();
        List<String> secrets = new ArrayList<>();
        for (int tag : new int[] {Tags.PatientName, Tags.PatientID, Tags.PatientBirthDate, Tags.StudyDate,
            Tags.SeriesDate, Tags.ContentDate, Tags.AcquisitionDate, Tags.InstitutionName, Tags.AccessionNumber,
            Tags.ReferringPhysicianName, Tags.OperatorsName, Tags.StationName, Tags.DeviceSerialNumber}) {
            for (String v : ds.getStrings(tag)) {
                for (String part : v.split("[\\^ ]+")) {
                    if (part.length() >= 3) {
                        secrets.add(part);
                    }
                }
            }
        }
        ds.forEach(e -> {
            if (e.vr() == VR.UI && e.tag() != Tags.SOPClassUID) {
                e.strings().stream().filter(u -> u.length() > 8).forEach(secrets::add);
            }
        });
        for (String s : secrets) {
            assertFalse(block.contains(s), name + ": '" + s + "' leaked into\n" + block);
        }
    }
}
