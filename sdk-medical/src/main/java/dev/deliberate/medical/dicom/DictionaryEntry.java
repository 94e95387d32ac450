package dev.deliberate.medical.dicom;

import java.util.List;
import java.util.Objects;

/**
 * One row of a data dictionary.
 *
 * @param tagPattern eight upper-case hex digits, with {@code x} for the digits of a repeating group
 *                   ({@code 60xx3000}); for private entries the element's low byte is written {@code xx}
 * @param vrs        the allowed VRs, the first being the one used for implicit-VR data (empty for item tags)
 * @param vm         the value multiplicity as written in the standard ({@code 1}, {@code 1-n}, {@code 2-2n})
 * @param keyword    the keyword ({@code PatientName})
 * @param name       the human-readable name
 * @param retired    whether the standard has retired the attribute
 */
public record DictionaryEntry(String tagPattern, List<VR> vrs, String vm, String keyword, String name,
        boolean retired) {

    /** Validates and copies. */
    public DictionaryEntry {
        Objects.requireNonNull(tagPattern, "tagPattern");
        vrs = List.copyOf(vrs);
        Objects.requireNonNull(vm, "vm");
        Objects.requireNonNull(keyword, "keyword");
        Objects.requireNonNull(name, "name");
        if (tagPattern.length() != 8) {
            throw new IllegalArgumentException("tag pattern must have 8 characters: " + tagPattern);
        }
    }

    /**
     * The VR to assume when the data does not say (implicit VR): the first allowed VR, except that {@code OB or OW}
     * becomes OW as in the implicit-VR transfer syntax; UN when the dictionary lists none.
     */
    public VR implicitVR() {
        if (vrs.isEmpty()) {
            return VR.UN;
        }
        if (vrs.contains(VR.OW)) {
            return VR.OW;
        }
        return vrs.get(0);
    }
}
