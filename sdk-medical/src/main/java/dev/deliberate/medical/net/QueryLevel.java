package dev.deliberate.medical.net;

import dev.deliberate.medical.dicom.Tags;
import java.util.List;

/** Query/Retrieve Level (0008,0052), with the unique key and the usual return keys of each level. */
public enum QueryLevel {
    /** Patient level (patient root only). */
    PATIENT(Tags.PatientID, List.of(Tags.PatientName, Tags.PatientID, Tags.PatientBirthDate, Tags.PatientSex)),
    /** Study level. */
    STUDY(Tags.StudyInstanceUID, List.of(Tags.StudyInstanceUID, Tags.StudyDate, Tags.StudyTime, Tags.AccessionNumber,
            Tags.StudyID, Tags.StudyDescription, Tags.PatientName, Tags.PatientID, Tags.ModalitiesInStudy,
            Tags.NumberOfStudyRelatedInstances)),
    /** Series level. */
    SERIES(Tags.SeriesInstanceUID, List.of(Tags.StudyInstanceUID, Tags.SeriesInstanceUID, Tags.Modality,
            Tags.SeriesNumber, Tags.SeriesDescription, Tags.NumberOfSeriesRelatedInstances)),
    /** Instance level (IMAGE). */
    IMAGE(Tags.SOPInstanceUID, List.of(Tags.StudyInstanceUID, Tags.SeriesInstanceUID, Tags.SOPInstanceUID,
            Tags.SOPClassUID, Tags.InstanceNumber));

    private final int uniqueKey;
    private final List<Integer> returnKeys;

    QueryLevel(int uniqueKey, List<Integer> returnKeys) {
        this.uniqueKey = uniqueKey;
        this.returnKeys = returnKeys;
    }

    /** The unique key of the level. */
    public int uniqueKey() {
        return uniqueKey;
    }

    /** Return keys asked for when the caller names none. */
    public List<Integer> defaultReturnKeys() {
        return returnKeys;
    }
}
