package dev.deliberate.medical.phi;

import dev.deliberate.medical.deid.IdentifierMasker;
import dev.deliberate.medical.dicom.DataDictionary;
import dev.deliberate.medical.dicom.DicomElement;
import dev.deliberate.medical.dicom.DicomObject;
import dev.deliberate.medical.dicom.Tags;
import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The gate between DICOM data and any remote endpoint (a model API, a server): identified data passes only to
 * endpoints the caller has allowed explicitly, one by one. A dataset is identified when Patient Identity Removed is
 * not YES or when any direct identifier (patient name, ID, birth date, address, telephone, other IDs and names,
 * medical record locator, accession number, and the names of physicians and operators) has a value at any nesting
 * level; text derived from a dataset is identified when it contains one of that dataset's identifiers. Loopback
 * endpoints (the same machine) are allowed unless {@link Builder#includeLoopback()} is set. Immutable and
 * thread-safe.
 *
 * <pre>{@code
 * PhiGuard guard = PhiGuard.builder().build();           // nothing identified leaves the machine
 * guard.check(dataset, URI.create("https://api.example/v1/chat")); // throws PhiExposureException if identified
 * }</pre>
 */
public final class PhiGuard {
    private static final int MAX_DEPTH = 64;
    private static final int[] DIRECT_IDENTIFIERS = {Tags.PatientName, Tags.PatientID, Tags.PatientBirthDate,
        Tags.PatientBirthTime, Tags.OtherPatientIDs, Tags.OtherPatientIDsSequence, Tags.OtherPatientNames,
        Tags.PatientBirthName, Tags.PatientMotherBirthName, Tags.PatientAddress, Tags.PatientTelephoneNumbers,
        Tags.MedicalRecordLocator, Tags.IssuerOfPatientID, Tags.AccessionNumber, Tags.ReferringPhysicianName,
        Tags.PerformingPhysicianName, Tags.NameOfPhysiciansReadingStudy, Tags.OperatorsName,
        Tags.PhysiciansOfRecord, Tags.RequestingPhysician, Tags.PersonName, Tags.VerifyingObserverName,
        Tags.MilitaryRank, Tags.BranchOfService, Tags.RegionOfResidence, Tags.PatientInsurancePlanCodeSequence};

    private final Set<String> allowed;
    private final boolean includeLoopback;

    private PhiGuard(Set<String> allowed, boolean includeLoopback) {
        this.allowed = Set.copyOf(allowed);
        this.includeLoopback = includeLoopback;
    }

    /** A guard that lets identified data go nowhere but loopback. */
    public static PhiGuard strict() {
        return builder().build();
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Assesses a dataset (all nesting levels). */
    public PhiAssessment assess(DicomObject dataset) {
        Objects.requireNonNull(dataset, "dataset");
        boolean removed = dataset.getString(Tags.PatientIdentityRemoved)
                .map(s -> s.strip().equalsIgnoreCase("YES")).orElse(false);
        Set<String> found = new LinkedHashSet<>();
        scan(dataset, "", found, 0);
        return new PhiAssessment(removed, new ArrayList<>(found));
    }

    private static void scan(DicomObject ds, String path, Set<String> found, int depth) {
        if (depth > MAX_DEPTH) {
            found.add(path + "(nesting deeper than " + MAX_DEPTH + ": not checked)");
            return;
        }
        for (int tag : DIRECT_IDENTIFIERS) {
            ds.get(tag).filter(e -> hasValue(e)).ifPresent(e -> found.add(path + keyword(tag)));
        }
        for (DicomElement e : ds) {
            if (e.isSequence()) {
                String p = path + keyword(e.tag()) + ">";
                for (DicomObject item : e.sequence().get()) {
                    scan(item, p, found, depth + 1);
                }
            }
        }
    }

    private static boolean hasValue(DicomElement e) {
        if (e.isSequence()) {
            return !e.sequence().get().isEmpty();
        }
        return e.strings().stream().anyMatch(s -> !s.isBlank() && !s.strip().equalsIgnoreCase("ANONYMIZED"));
    }

    private static String keyword(int tag) {
        return DataDictionary.standard().keyword(tag).orElse(dev.deliberate.medical.dicom.Tag.toString(tag));
    }

    /**
     * Assesses text derived from {@code source}: identified when it contains one of the source's identifiers (name
     * parts, IDs, accession number, birth date...). The text's own Patient Identity Removed is taken from the source.
     */
    public PhiAssessment assessText(String text, DicomObject source) {
        IdentifierMasker m = IdentifierMasker.of(source, false);
        List<String> found = new ArrayList<>();
        if (m.containsIdentifier(text)) {
            found.add("an identifier of the source dataset");
        }
        return new PhiAssessment(true, found);
    }

    /** Whether identified data may go to this endpoint. */
    public boolean allows(URI endpoint) {
        return allowed.contains(key(endpoint)) || !includeLoopback && isLoopback(endpoint);
    }

    /**
     * Passes when the dataset is de-identified or the endpoint is allowed.
     *
     * @throws PhiExposureException otherwise (nothing must be sent)
     */
    public void check(DicomObject dataset, URI endpoint) {
        PhiAssessment a = assess(dataset);
        if (a.identified() && !allows(endpoint)) {
            List<String> f = new ArrayList<>(a.findings());
            if (!a.identityRemoved()) {
                f.add(0, "PatientIdentityRemoved is not YES");
            }
            throw new PhiExposureException(endpoint, f);
        }
    }

    /**
     * Passes when the text holds none of the source dataset's identifiers or the endpoint is allowed.
     *
     * @throws PhiExposureException otherwise
     */
    public void checkText(String text, DicomObject source, URI endpoint) {
        PhiAssessment a = assessText(text, source);
        if (a.identified() && !allows(endpoint)) {
            throw new PhiExposureException(endpoint, a.findings());
        }
    }

    private static String key(URI endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
        String host = endpoint.getHost() == null ? "" : endpoint.getHost().toLowerCase(Locale.ROOT);
        int port = endpoint.getPort() >= 0 ? endpoint.getPort() : scheme.equals("https") ? 443
                : scheme.equals("http") ? 80 : -1;
        return scheme + "://" + host + ":" + port;
    }

    private static boolean isLoopback(URI endpoint) {
        String host = endpoint.getHost();
        if (host == null) {
            return false;
        }
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false; // never resolve names here: a lookup could leak or be spoofed
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** Builds a {@link PhiGuard}. */
    public static final class Builder {
        private final Set<String> allowed = new LinkedHashSet<>();
        private boolean includeLoopback;

        private Builder() {}

        /**
         * Allows identified data to go to this endpoint (scheme, host and port; the path does not matter). Use only
         * for endpoints covered by an agreement that permits protected health information.
         */
        public Builder allowIdentifiedDataTo(URI endpoint) {
            allowed.add(key(endpoint));
            return this;
        }

        /** Treats loopback endpoints like remote ones (by default they are allowed). */
        public Builder includeLoopback() {
            this.includeLoopback = true;
            return this;
        }

        /** The guard. */
        public PhiGuard build() {
            return new PhiGuard(allowed, includeLoopback);
        }
    }
}
