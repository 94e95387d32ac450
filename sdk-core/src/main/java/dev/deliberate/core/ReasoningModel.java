package dev.deliberate.core;

/**
 * A loaded reasoning model (a local file or a remote endpoint). Thread-safe: calls from several threads are
 * served one after another (or in parallel slots where the backend has them), never mixed. Close it to free native
 * memory and threads.
 *
 * <pre>{@code
 * try (ReasoningModel model = ReasoningModels.open(ModelLocator.parse("model.gguf"))) {
 *     Reasoning r = model.reason(ReasoningRequest.of("Why is the sky blue?"));
 *     System.out.println(r.thinking() + "\n---\n" + r.answer());
 * }
 * }</pre>
 */
public interface ReasoningModel extends AutoCloseable {

    /** Provenance of this model. */
    ModelInfo info();

    /**
     * Starts a call; events go to {@code listener} as they are generated.
     *
     * @throws InvalidRequestException when the request cannot be run (deadline passed, prompt longer than the
     *                                 context); thrown here, before anything is generated
     */
    ReasoningCall start(ReasoningRequest request, ReasoningListener listener);

    /** Runs a call to its end and returns the result. */
    default Reasoning reason(ReasoningRequest request) {
        return start(request, ReasoningListener.IGNORE).join();
    }

    /** Frees the model. Calls still running are cancelled. Idempotent. */
    @Override
    void close();
}
