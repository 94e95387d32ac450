package dev.deliberate.medical.web;

/** The level a QIDO-RS search returns: one result per study, per series or per instance. */
public enum QueryLevel {
    /** {@code .../studies}. */
    STUDY("studies"),
    /** {@code .../series}. */
    SERIES("series"),
    /** {@code .../instances}. */
    INSTANCE("instances");

    private final String path;

    QueryLevel(String path) {
        this.path = path;
    }

    /** The resource's path segment. */
    String path() {
        return path;
    }
}
