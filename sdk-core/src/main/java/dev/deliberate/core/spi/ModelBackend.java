package dev.deliberate.core.spi;

import dev.deliberate.core.ModelInfo;
import java.util.function.Function;

/**
 * A loaded model as a backend offers it. The shape says what it can do, and there are exactly two:
 * {@link TextGenerator} (raw prompts: local runtimes such as llama.cpp) and {@link ChatGenerator} (messages in,
 * thinking and answer pieces out: OpenAI-compatible servers). The interface is sealed, so core drives every backend
 * through one orchestration and a new shape is a compile-time change, never a runtime "not supported".
 * Implementations need not be thread-safe: core calls one model from one thread at a time.
 */
public sealed interface ModelBackend extends AutoCloseable permits TextGenerator, ChatGenerator {

    /** Provenance of the loaded model. */
    ModelInfo info();

    /**
     * Dispatches on the shape without a cast: exactly one of the functions is applied. Adding a shape adds a
     * parameter here, so every caller is found by the compiler (Java 17 has no exhaustive pattern switch).
     */
    <R> R shape(Function<? super TextGenerator, ? extends R> text, Function<? super ChatGenerator, ? extends R> chat);

    /** Frees native memory, threads and connections. Called once, after the last generation returned. */
    @Override
    void close();
}
