package dev.deliberate.adapt.train;

import dev.deliberate.core.DeliberateException;

/**
 * A training run refused before it starts because its memory estimate exceeds the limit. Lower the batch size, the
 * maximum sequence length or the LoRA rank, or train LoRA instead of every weight.
 */
public class MemoryLimitException extends DeliberateException {

    private static final long serialVersionUID = 1L;

    private final transient MemoryEstimate estimate;
    private final transient MemoryLimit limit;

    /** @param estimate what the run needs; @param limit what is allowed */
    public MemoryLimitException(MemoryEstimate estimate, MemoryLimit limit) {
        super("training would need about " + estimate + ", more than the limit of "
                + MemoryEstimate.mib(limit.nativeBytes()) + " native and " + MemoryEstimate.mib(limit.heapBytes())
                + " heap; lower the batch size, the maximum sequence length or the rank"
                + (estimate.heapBytes() > limit.heapBytes() ? ", or raise the heap (-Xmx)" : ""));
        this.estimate = estimate;
        this.limit = limit;
    }

    /** What the run would need. */
    public MemoryEstimate estimate() {
        return estimate;
    }

    /** What is allowed. */
    public MemoryLimit limit() {
        return limit;
    }
}
