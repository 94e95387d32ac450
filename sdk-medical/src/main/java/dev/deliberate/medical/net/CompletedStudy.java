package dev.deliberate.medical.net;

import java.util.List;
import java.util.Objects;

/**
 * A study no instance of which arrived for the configured quiet time (or whose SCP was closed).
 *
 * @param studyInstanceUid the study
 * @param instances        the instances received since the study was last reported, in arrival order
 */
public record CompletedStudy(String studyInstanceUid, List<StoredInstance> instances) {

    /** Validates. */
    public CompletedStudy {
        Objects.requireNonNull(studyInstanceUid, "studyInstanceUid");
        instances = List.copyOf(instances);
    }
}
