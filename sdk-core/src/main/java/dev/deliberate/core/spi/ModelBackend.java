package dev.deliberate.core.spi;

import dev.deliberate.core.ModelInfo;

/**
 * A loaded model as a backend offers it. The concrete shape says what it can do: today
 * {@link TextGenerator} (raw prompts); a chat-level shape for HTTP backends is planned (see the package
 * documentation). Implementations need not be thread-safe: core calls one model from one thread at a time.
 */
public interface ModelBackend extends AutoCloseable {

    /** Provenance of the loaded model. */
    ModelInfo info();

    /** Frees native memory and threads. Called once, after the last generation returned. */
    @Override
    void close();
}
