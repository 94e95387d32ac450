package dev.deliberate.medical.net;

import dev.deliberate.medical.dicom.DataDictionary;
import dev.deliberate.medical.dicom.DicomElement;
import dev.deliberate.medical.dicom.DicomObject;
import dev.deliberate.medical.dicom.Tags;
import dev.deliberate.medical.dicom.VR;
import java.util.Map;
import java.util.Objects;

/**
 * A C-FIND query: model, level and the identifier (matching keys with values, return keys empty).
 *
 * @param model the information model
 * @param level the query level
 * @param keys  matching and return keys, without (0008,0052), which is added from {@code level}
 */
public record Query(QueryModel model, QueryLevel level, DicomObject keys) {

    /** Validates: PATIENT level needs the patient root model. */
    public Query {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(keys, "keys");
        if (level == QueryLevel.PATIENT && model != QueryModel.PATIENT_ROOT) {
            throw new IllegalArgumentException("the PATIENT level exists only in the patient root model");
        }
    }

    /**
     * A query at {@code level} with matching keys by keyword (e.g. {@code PatientName -> "DOE^*"}) and the level's
     * default return keys.
     *
     * @throws IllegalArgumentException when a keyword is not in the dictionary
     */
    public static Query of(QueryModel model, QueryLevel level, Map<String, String> match) {
        DicomObject.Builder b = DicomObject.builder();
        for (int tag : level.defaultReturnKeys()) {
            b.set(empty(tag));
        }
        b.set(empty(level.uniqueKey()));
        match.forEach((keyword, value) -> {
            int tag = DataDictionary.standard().tagForKeyword(keyword).orElseThrow(
                    () -> new IllegalArgumentException("unknown attribute keyword '" + keyword + "'"));
            VR vr = DataDictionary.standard().vr(tag).orElse(VR.LO);
            b.set(value.isEmpty() ? empty(tag) : DicomElement.ofStrings(tag, vr, value));
        });
        return new Query(model, level, b.build());
    }

    private static DicomElement empty(int tag) {
        VR vr = DataDictionary.standard().vr(tag).orElse(VR.LO);
        return DicomElement.ofBytes(tag, vr, new byte[0]);
    }

    /** The identifier sent: the keys plus Query/Retrieve Level. */
    public DicomObject identifier() {
        return keys.toBuilder().setString(Tags.QueryRetrieveLevel, VR.CS, level.name()).build();
    }
}
