package dev.deliberate.core.testmodel;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/** Peer-based tests skip on a laptop without the peer, but fail on CI ({@code CI=true}), where it must exist. */
final class Peers {
    private Peers() {
    }

    static void require(boolean available, String what) {
        if (available) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(what + " is required on CI but is not available");
        }
        Assumptions.abort(what + " is not available here");
    }
}
