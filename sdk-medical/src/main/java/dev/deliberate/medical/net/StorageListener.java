package dev.deliberate.medical.net;

/**
 * Told about what a {@link StorageScp} stored. Calls come on one event thread, in order, after the instance was made
 * durable and acknowledged; a slow listener never slows the network side. Exceptions thrown here are logged and
 * otherwise ignored (the instance stays stored).
 */
public interface StorageListener {
    /** An instance was stored. */
    default void instanceStored(StoredInstance instance) {}

    /** A study is complete: no instance of it arrived for the configured quiet time. */
    default void studyCompleted(CompletedStudy study) {}

    /** A listener that does nothing. */
    static StorageListener none() {
        return new StorageListener() { };
    }
}
