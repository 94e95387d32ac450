package dev.deliberate.core;

/**
 * Root of every exception the Deliberate SDK throws on purpose.
 *
 * <p>It is unchecked: callers catch the subtype that tells them what they can do (retry, fix the input, show the
 * invalid answer to a person). Checked {@link java.io.IOException} is used only where real I/O is the caller's
 * concern.
 *
 * <p>What to do, by type:
 * <ul>
 *   <li><b>retry</b> (later, with backoff, or on another endpoint): {@link RetriableException} and its subtypes
 *       {@link BackendUnavailableException}, {@link RateLimitedException} (wait {@code retryAfter()} when given) and
 *       {@link BackendTimeoutException};</li>
 *   <li><b>fix the credentials</b>: {@link AuthenticationException};</li>
 *   <li><b>fix the request</b>: {@link InvalidRequestException} (and {@link ContextOverflowException}),
 *       {@link InvalidSchemaException};</li>
 *   <li><b>fix the model or installation</b>: {@link ModelLoadException}, {@link NoBackendException},
 *       {@link UnsupportedModelException};</li>
 *   <li><b>show a person</b>: {@link InvalidAnswerException} carries the invalid answer and why it failed.</li>
 * </ul>
 * Any other {@code DeliberateException} is not retriable.
 */
public class DeliberateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, naming the file, argument or element concerned
     */
    public DeliberateException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, naming the file, argument or element concerned
     * @param cause   the underlying failure
     */
    public DeliberateException(String message, Throwable cause) {
        super(message, cause);
    }
}
