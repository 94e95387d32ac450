package dev.deliberate.medical.phi;

import java.util.List;

/**
 * Whether a dataset (or text) still identifies a patient.
 *
 * @param identityRemoved Patient Identity Removed (0012,0062) is YES
 * @param findings        the direct identifiers found with a value (keywords such as {@code PatientName}, with the
 *                        sequence path for nested ones), or kinds of identifier found in text
 */
public record PhiAssessment(boolean identityRemoved, List<String> findings) {

    /** Copies. */
    public PhiAssessment {
        findings = List.copyOf(findings);
    }

    /**
     * Whether the data counts as identified: any direct identifier present, or (for datasets) Patient Identity
     * Removed not YES.
     */
    public boolean identified() {
        return !identityRemoved || !findings.isEmpty();
    }
}
