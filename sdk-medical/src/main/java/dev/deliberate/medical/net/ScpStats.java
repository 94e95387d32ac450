package dev.deliberate.medical.net;

/**
 * Counters of a {@link StorageScp} since it started.
 *
 * @param associationsAccepted associations accepted
 * @param associationsRejected associations rejected (AE policy, limits, nothing acceptable)
 * @param associationsFailed   associations that ended by abort, timeout, protocol violation or broken connection
 * @param instancesStored      instances stored and acknowledged with success
 * @param instancesFailed      C-STOREs answered with a failure status, or lost with their association (nothing
 *                             was kept for them)
 */
public record ScpStats(long associationsAccepted, long associationsRejected, long associationsFailed,
        long instancesStored, long instancesFailed) {}
