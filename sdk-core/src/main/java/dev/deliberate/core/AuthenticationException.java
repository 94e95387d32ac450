package dev.deliberate.core;

/**
 * The backend rejected the credentials (HTTP 401 or 403): a missing, wrong or revoked API key. Not retriable: fix the
 * key. The message never contains the key.
 */
public class AuthenticationException extends DeliberateException {
    private static final long serialVersionUID = 1L;

    /** @param message what was rejected, naming the endpoint (never the key) */
    public AuthenticationException(String message) {
        super(message);
    }
}
