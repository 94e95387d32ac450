package dev.deliberate.medical.phi;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.medical.deid.DeidentificationPolicy;
import dev.deliberate.medical.deid.Deidentifier;
import dev.deliberate.medical.dicom.DicomObject;
import dev.deliberate.medical.dicom.Tags;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class PhiGuardTest {
    static final URI REMOTE = URI.create("https://api.example.com/v1/chat/completions");
    static final DicomObject IDENTIFIED = DicomObject.builder().setString(Tags.PatientName, "Doe^Jane")
            .setString(Tags.PatientID, "P-1").setString(Tags.Modality, "MR").build();

    @Test
    void identifiedDatasetIsRefusedForRemoteEndpoints() {
        PhiExposureException e = assertThrows(PhiExposureException.class,
                () -> PhiGuard.strict().check(IDENTIFIED, REMOTE));
        assertTrue(e.findings().contains("PatientName"), e.findings().toString());
        assertFalse(e.getMessage().contains("Doe"), "the message must not carry the identifier itself");
        assertEquals(REMOTE, e.endpoint());
    }

    @Test
    void deidentifiedDatasetPasses() {
        DicomObject safe = new Deidentifier(DeidentificationPolicy.basic("phi-guard-salt")).deidentify(IDENTIFIED)
                .dataset();
        assertDoesNotThrow(() -> PhiGuard.strict().check(safe, REMOTE));
    }

    @Test
    void identityRemovedFlagAloneIsNotEnoughWhenANameIsNested() {
        DicomObject ds = DicomObject.builder().setString(Tags.PatientIdentityRemoved, "YES")
                .setSequence(Tags.ContentSequence, List.of(DicomObject.builder()
                        .setString(Tags.PersonName, "Who^Doctor").build())).build();
        PhiAssessment a = PhiGuard.strict().assess(ds);
        assertTrue(a.identified());
        assertEquals(List.of("ContentSequence>PersonName"), a.findings());
    }

    @Test
    void missingIdentityRemovedFlagCountsAsIdentified() {
        assertTrue(PhiGuard.strict().assess(DicomObject.builder().setString(Tags.Modality, "CT").build())
                .identified());
    }

    @Test
    void optInIsPerEndpoint() {
        PhiGuard guard = PhiGuard.builder().allowIdentifiedDataTo(URI.create("https://api.example.com")).build();
        assertDoesNotThrow(() -> guard.check(IDENTIFIED, REMOTE));
        assertThrows(PhiExposureException.class,
                () -> guard.check(IDENTIFIED, URI.create("https://api.example.com:8443/v1")));
        assertThrows(PhiExposureException.class, () -> guard.check(IDENTIFIED, URI.create("https://other.example")));
    }

    @Test
    void loopbackIsLocalUnlessIncluded() {
        URI local = URI.create("http://127.0.0.1:8080/v1/chat/completions");
        assertDoesNotThrow(() -> PhiGuard.strict().check(IDENTIFIED, local));
        assertDoesNotThrow(() -> PhiGuard.strict().check(IDENTIFIED, URI.create("http://[::1]:8080/")));
        assertThrows(PhiExposureException.class,
                () -> PhiGuard.builder().includeLoopback().build().check(IDENTIFIED, local));
        assertThrows(PhiExposureException.class,
                () -> PhiGuard.strict().check(IDENTIFIED, URI.create("http://localhost.evil.example/")));
    }

    @Test
    void textDerivedFromADatasetIsCheckedForItsIdentifiers() {
        assertThrows(PhiExposureException.class,
                () -> PhiGuard.strict().checkText("Findings for jane doe: normal", IDENTIFIED, REMOTE));
        assertDoesNotThrow(() -> PhiGuard.strict().checkText("Findings: normal brain MR", IDENTIFIED, REMOTE));
    }
}
