package dev.deliberate.adapt.train;

import java.lang.management.ManagementFactory;

/**
 * How much memory a training run may use: native memory (where PyTorch keeps tensors) and the Java heap.
 *
 * @param nativeBytes bytes of native memory
 * @param heapBytes   bytes of Java heap
 */
public record MemoryLimit(long nativeBytes, long heapBytes) {

    /** Requires positive limits. */
    public MemoryLimit {
        if (nativeBytes <= 0 || heapBytes <= 0) {
            throw new IllegalArgumentException("memory limits must be positive: " + nativeBytes + ", " + heapBytes);
        }
    }

    /**
     * What this machine allows: 90 % of physical memory (the container's limit, where there is one) less the
     * maximum Java heap, and the maximum heap ({@code -Xmx}).
     */
    public static MemoryLimit ofMachine() {
        long heap = Runtime.getRuntime().maxMemory();
        long physical = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        return new MemoryLimit(Math.max(1, (long) (physical * 0.9) - heap), heap);
    }
}
