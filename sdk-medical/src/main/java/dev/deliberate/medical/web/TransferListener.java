package dev.deliberate.medical.web;

/**
 * Told of progress during long transfers (retrieval of a study, storage of many files), on the calling thread, after
 * each instance. Exceptions it throws abort the transfer.
 */
@FunctionalInterface
public interface TransferListener {
    /** Does nothing. */
    TransferListener NONE = (instances, bytes) -> { };

    /**
     * @param instances instances transferred so far
     * @param bytes     bytes of those instances so far
     */
    void progress(int instances, long bytes);
}
