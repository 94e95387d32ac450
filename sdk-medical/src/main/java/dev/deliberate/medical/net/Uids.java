package dev.deliberate.medical.net;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** UIDs of the DIMSE services this package speaks, and the storage SOP classes of the standard. */
public final class Uids {
    /** The DICOM application context (PS3.7 A.2.1). */
    public static final String APPLICATION_CONTEXT = "1.2.840.10008.3.1.1.1";
    /** Verification SOP Class (C-ECHO). */
    public static final String VERIFICATION = "1.2.840.10008.1.1";
    /** Patient Root Query/Retrieve Information Model - FIND. */
    public static final String PATIENT_ROOT_FIND = "1.2.840.10008.5.1.4.1.2.1.1";
    /** Patient Root Query/Retrieve Information Model - MOVE. */
    public static final String PATIENT_ROOT_MOVE = "1.2.840.10008.5.1.4.1.2.1.2";
    /** Study Root Query/Retrieve Information Model - FIND. */
    public static final String STUDY_ROOT_FIND = "1.2.840.10008.5.1.4.1.2.2.1";
    /** Study Root Query/Retrieve Information Model - MOVE. */
    public static final String STUDY_ROOT_MOVE = "1.2.840.10008.5.1.4.1.2.2.2";
    /** Patient Root Query/Retrieve Information Model - GET. */
    public static final String PATIENT_ROOT_GET = "1.2.840.10008.5.1.4.1.2.1.3";
    /** Study Root Query/Retrieve Information Model - GET. */
    public static final String STUDY_ROOT_GET = "1.2.840.10008.5.1.4.1.2.2.3";

    /** Read on first use: a C-ECHO or a C-STORE SCU never needs the table (about 4 ms of a cold start). */
    private static final class Storage {
        static final Map<String, String> CLASSES = load();
    }

    private Uids() {}

    /**
     * The storage SOP classes of the standard (generated from its SOP class table), UID to name. A storage SCP
     * accepts these by default.
     */
    public static Map<String, String> storageSopClasses() {
        return Storage.CLASSES;
    }

    /** The UIDs of {@link #storageSopClasses()}. */
    public static Set<String> storageSopClassUids() {
        return Storage.CLASSES.keySet();
    }

    private static Map<String, String> load() {
        Map<String, String> m = new LinkedHashMap<>();
        try (InputStream in = Uids.class.getResourceAsStream("storage-sop-classes.tsv")) {
            if (in == null) {
                throw new IllegalStateException("storage-sop-classes.tsv missing from the jar");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    int tab = line.indexOf('\t');
                    m.put(line.substring(0, tab), line.substring(tab + 1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    /** Whether {@code uid} is a syntactically valid UID: 1..64 characters of digits and dots, no empty component. */
    public static boolean isValid(String uid) {
        if (uid == null || uid.isEmpty() || uid.length() > 64 || uid.startsWith(".") || uid.endsWith(".")) {
            return false;
        }
        for (int i = 0; i < uid.length(); i++) {
            char c = uid.charAt(i);
            if (c == '.') {
                if (uid.charAt(i - 1) == '.') {
                    return false;
                }
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    static String requireValid(String uid, String what) {
        if (!isValid(uid)) {
            throw new IllegalArgumentException(what + " UID is not a valid UID: '" + uid + "'");
        }
        return uid;
    }
}
