package dev.deliberate.core.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * For tests that need a real peer (a tool, a runtime): skip on a laptop that lacks it, fail on CI
 * ({@code CI=true}), where every peer must be present.
 */
public final class Peers {

    private Peers() {}

    /** Does nothing when {@code available}; otherwise as {@link #missing(String)}. */
    public static void require(boolean available, String what) {
        if (!available) {
            missing(what);
        }
    }

    /** Aborts (skips) the test, or fails it when the environment variable {@code CI} is {@code true}. */
    public static void missing(String what) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail("required peer missing on CI: " + what);
        }
        Assumptions.abort("peer missing: " + what);
    }
}
