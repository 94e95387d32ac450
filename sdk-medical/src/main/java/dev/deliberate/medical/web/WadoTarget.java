package dev.deliberate.medical.web;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a WADO-RS retrieval asks for: a whole study, one series of it, or one instance.
 *
 * @param studyUid    Study Instance UID
 * @param seriesUid   Series Instance UID, for a series or an instance
 * @param instanceUid SOP Instance UID, for an instance (then {@code seriesUid} is present too)
 */
public record WadoTarget(String studyUid, Optional<String> seriesUid, Optional<String> instanceUid) {
    private static final Pattern UID = Pattern.compile("[0-9]+(\\.[0-9]+)*");

    /** Validates the UIDs (digits and dots, at most 64 characters) and that an instance names its series. */
    public WadoTarget {
        checkUid(studyUid, "study UID");
        Objects.requireNonNull(seriesUid, "seriesUid").ifPresent(u -> checkUid(u, "series UID"));
        Objects.requireNonNull(instanceUid, "instanceUid").ifPresent(u -> checkUid(u, "SOP instance UID"));
        if (instanceUid.isPresent() && seriesUid.isEmpty()) {
            throw new IllegalArgumentException("an instance target needs its series UID");
        }
    }

    /** A whole study. */
    public static WadoTarget study(String studyUid) {
        return new WadoTarget(studyUid, Optional.empty(), Optional.empty());
    }

    /** One series. */
    public static WadoTarget series(String studyUid, String seriesUid) {
        return new WadoTarget(studyUid, Optional.of(seriesUid), Optional.empty());
    }

    /** One instance. */
    public static WadoTarget instance(String studyUid, String seriesUid, String instanceUid) {
        return new WadoTarget(studyUid, Optional.of(seriesUid), Optional.of(instanceUid));
    }

    /** The resource path below the service root, e.g. {@code studies/1.2/series/1.2.3}. */
    String path() {
        StringBuilder sb = new StringBuilder("studies/").append(studyUid);
        seriesUid.ifPresent(s -> sb.append("/series/").append(s));
        instanceUid.ifPresent(i -> sb.append("/instances/").append(i));
        return sb.toString();
    }

    /** Whether {@code uid} is a syntactically valid UID (PS3.5 9.1): digits and dots, at most 64 characters. */
    static boolean isUid(String uid) {
        return uid != null && !uid.isEmpty() && uid.length() <= 64 && UID.matcher(uid).matches();
    }

    static String checkUid(String uid, String what) {
        Objects.requireNonNull(uid, what);
        if (!isUid(uid)) {
            throw new IllegalArgumentException("not a valid " + what + ": '" + uid + "'");
        }
        return uid;
    }
}
