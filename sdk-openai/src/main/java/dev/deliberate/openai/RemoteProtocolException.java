package dev.deliberate.openai;

import dev.deliberate.core.BackendUnavailableException;

/**
 * The endpoint answered something that is not the OpenAI chat completions API: garbage in the event stream, a body
 * that is not JSON, a stream that closed before it ended. Retriable on another endpoint (a fleet fails over), but a
 * stream that already delivered tokens is never re-run.
 */
public class RemoteProtocolException extends BackendUnavailableException {
    private static final long serialVersionUID = 1L;

    /** @param message what was wrong, naming the endpoint */
    public RemoteProtocolException(String message) {
        super(message);
    }
}
