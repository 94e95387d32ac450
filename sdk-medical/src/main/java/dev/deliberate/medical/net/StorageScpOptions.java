package dev.deliberate.medical.net;

import dev.deliberate.medical.deid.DeidentificationPolicy;
import dev.deliberate.medical.deid.StudyDeidentifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * Configuration of a {@link StorageScp}.
 *
 * @param aeTitle             this SCP's AE title
 * @param bindAddress         the address to listen on (e.g. {@code 127.0.0.1}, or {@code 0.0.0.0} for all)
 * @param port                the TCP port, or 0 for a free one
 * @param directory           where instances are stored, as {@code STUDY_UID/SOP_INSTANCE_UID.dcm}
 * @param maxAssociations     associations served at once; further requests are rejected (transient, local limit)
 * @param association         PDU limit and ARTIM/idle timeouts of each association
 * @param maxDatasetLength    the largest dataset accepted; a longer one aborts the association and stores nothing
 * @param sopClasses          the storage SOP classes accepted (Verification is always accepted); others are
 *                            rejected at negotiation
 * @param transferSyntaxes    the transfer syntaxes accepted; empty: every transfer syntax the SDK knows by name
 * @param allowedCallingAeTitles calling AE titles allowed; empty: any
 * @param requireCalledAeTitle whether the called AE title must equal {@code aeTitle}
 * @param studyCompleteAfter  a study counts as complete when no instance of it arrived for this long
 * @param durability          what is done to keep an instance before success is answered
 * @param tls                 when present, associations are accepted over TLS with this context (JSSE)
 * @param requireClientCertificate with TLS, whether callers must present a certificate the context trusts
 * @param deidentification    when present, every instance is de-identified under this policy before it is written
 *                            (see {@link #withDeidentification})
 */
public record StorageScpOptions(AeTitle aeTitle, String bindAddress, int port, Path directory, int maxAssociations,
        AssociationOptions association, long maxDatasetLength, Set<String> sopClasses,
        Set<String> transferSyntaxes, Set<AeTitle> allowedCallingAeTitles, boolean requireCalledAeTitle,
        Duration studyCompleteAfter, Durability durability, Optional<SSLContext> tls,
        boolean requireClientCertificate, Optional<DeidentificationPolicy> deidentification) {

    /** Validates. */
    public StorageScpOptions {
        Objects.requireNonNull(aeTitle, "aeTitle");
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(association, "association");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535");
        }
        if (maxAssociations < 1 || maxAssociations > 1000) {
            throw new IllegalArgumentException("maxAssociations must be 1..1000");
        }
        if (maxDatasetLength < 1) {
            throw new IllegalArgumentException("maxDatasetLength must be positive");
        }
        sopClasses = Set.copyOf(sopClasses);
        sopClasses.forEach(u -> Uids.requireValid(u, "SOP class"));
        transferSyntaxes = Set.copyOf(transferSyntaxes);
        transferSyntaxes.forEach(u -> Uids.requireValid(u, "transfer syntax"));
        allowedCallingAeTitles = Set.copyOf(allowedCallingAeTitles);
        Objects.requireNonNull(studyCompleteAfter, "studyCompleteAfter");
        if (studyCompleteAfter.isNegative() || studyCompleteAfter.isZero()) {
            throw new IllegalArgumentException("studyCompleteAfter must be positive");
        }
        Objects.requireNonNull(durability, "durability");
        tls = tls == null ? Optional.empty() : tls;
        deidentification = deidentification == null ? Optional.empty() : deidentification;
    }

    /**
     * Loopback, a free port, 16 associations, 2 GiB datasets, every standard storage SOP class, every known transfer
     * syntax, any calling AE, called AE checked, studies complete after 10 s of quiet, {@link Durability#FSYNC}.
     */
    public static StorageScpOptions defaults(AeTitle aeTitle, Path directory) {
        return new StorageScpOptions(aeTitle, "127.0.0.1", 0, directory, 16, AssociationOptions.defaults(),
                2L << 30, Uids.storageSopClassUids(), Set.of(), Set.of(), true, Duration.ofSeconds(10), Durability.FSYNC, Optional.empty(), false, Optional.empty());
    }

    /** These options listening on another address and port. */
    public StorageScpOptions withAddress(String bind, int port) {
        return new StorageScpOptions(aeTitle, bind, port, directory, maxAssociations, association, maxDatasetLength,
                sopClasses, transferSyntaxes, allowedCallingAeTitles, requireCalledAeTitle, studyCompleteAfter,
                durability, tls,
                requireClientCertificate, deidentification);
    }

    /** These options with another association limit. */
    public StorageScpOptions withMaxAssociations(int max) {
        return new StorageScpOptions(aeTitle, bindAddress, port, directory, max, association, maxDatasetLength,
                sopClasses, transferSyntaxes, allowedCallingAeTitles, requireCalledAeTitle, studyCompleteAfter,
                durability, tls,
                requireClientCertificate, deidentification);
    }

    /** These options with other association limits and timeouts. */
    public StorageScpOptions withAssociation(AssociationOptions a) {
        return new StorageScpOptions(aeTitle, bindAddress, port, directory, maxAssociations, a, maxDatasetLength,
                sopClasses, transferSyntaxes, allowedCallingAeTitles, requireCalledAeTitle, studyCompleteAfter,
                durability, tls,
                requireClientCertificate, deidentification);
    }

    /** These options with another dataset limit. */
    public StorageScpOptions withMaxDatasetLength(long max) {
        return new StorageScpOptions(aeTitle, bindAddress, port, directory, maxAssociations, association, max,
                sopClasses, transferSyntaxes, allowedCallingAeTitles, requireCalledAeTitle, studyCompleteAfter,
                durability, tls,
                requireClientCertificate, deidentification);
    }

    /** These options accepting only these SOP classes (plus Verification). */
    public StorageScpOptions withSopClasses(Set<String> uids) {
        return new StorageScpOptions(aeTitle, bindAddress, port, directory, maxAssociations, association,
                maxDatasetLength, uids, transferSyntaxes, allowedCallingAeTitles, requireCalledAeTitle,
                studyCompleteAfter, durability, tls,
                requireClientCertificate, deidentification);
    }

    /** These options accepting only these transfer syntaxes. */
    public StorageScpOptions withTransferSyntaxes(Set<String> uids) {
        return new StorageScpOptions(aeTitle, bindAddress, port, directory, maxAssociations, association,
                maxDatasetLength, sopClasses, uids, allowedCallingAeTitles, requireCalledAeTitle, studyCompleteAfter,
                durability, tls,
                requireClientCertificate, deidentification);
    }

    /** These options with an AE title policy. */
    public StorageScpOptions withAeTitlePolicy(Set<AeTitle> allowedCalling, boolean requireCalled) {
        return new StorageScpOptions(aeTitle, bindAddress, port, directory, maxAssociations, association,
                maxDatasetLength, sopClasses, transferSyntaxes, allowedCalling, requireCalled, studyCompleteAfter,
                durability, tls,
                requireClientCertificate, deidentification);
    }

    /** These options with another study quiet time. */
    public StorageScpOptions withStudyCompleteAfter(Duration quiet) {
        return new StorageScpOptions(aeTitle, bindAddress, port, directory, maxAssociations, association,
                maxDatasetLength, sopClasses, transferSyntaxes, allowedCallingAeTitles, requireCalledAeTitle, quiet,
                durability, tls,
                requireClientCertificate, deidentification);
    }

    /** These options with another durability. */
    public StorageScpOptions withDurability(Durability d) {
        return new StorageScpOptions(aeTitle, bindAddress, port, directory, maxAssociations, association,
                maxDatasetLength, sopClasses, transferSyntaxes, allowedCallingAeTitles, requireCalledAeTitle,
                studyCompleteAfter, d, tls, requireClientCertificate, deidentification);
    }

    /**
     * These options accepting associations over TLS only.
     *
     * @param context                  the JSSE context with this SCP's key and the certificates it trusts
     * @param requireClientCertificate whether callers must authenticate with a trusted certificate
     */
    public StorageScpOptions withTls(SSLContext context, boolean requireClientCertificate) {
        return new StorageScpOptions(aeTitle, bindAddress, port, directory, maxAssociations, association,
                maxDatasetLength, sopClasses, transferSyntaxes, allowedCallingAeTitles, requireCalledAeTitle,
                studyCompleteAfter, durability, Optional.of(context), requireClientCertificate, deidentification);
    }

    /**
     * These options de-identifying on receipt: every received instance is de-identified under {@code policy} through
     * {@link StudyDeidentifier} (the same study-level API as {@code deliberate dicom deid}) before anything is kept,
     * and only the de-identified instance is written, as {@code DIRECTORY/<study>/<series>/<instance>} with names
     * derived from the new UIDs (see {@link StudyDeidentifier}). The received bytes live only in a temporary file
     * that is deleted before the response is sent. With the same key ({@link dev.deliberate.medical.deid.SiteKey}),
     * instances of one study arriving over several associations, or across restarts, get the same UIDs. Each study
     * gets a report ({@code <study>/deid-report-<time>.json}) when it completes or the SCP closes. An instance the
     * policy refuses (Burned In Annotation YES under REFUSE) or cannot de-identify is answered with a failure status
     * and nothing is written. {@link StorageListener}s see only the de-identified instances and UIDs.
     */
    public StorageScpOptions withDeidentification(DeidentificationPolicy policy) {
        return new StorageScpOptions(aeTitle, bindAddress, port, directory, maxAssociations, association,
                maxDatasetLength, sopClasses, transferSyntaxes, allowedCallingAeTitles, requireCalledAeTitle,
                studyCompleteAfter, durability, tls, requireClientCertificate,
                Optional.of(Objects.requireNonNull(policy, "policy")));
    }

    /** The transfer syntax set, if restricted. */
    Optional<Set<String>> restrictedTransferSyntaxes() {
        return transferSyntaxes.isEmpty() ? Optional.empty() : Optional.of(transferSyntaxes);
    }
}
