package dev.deliberate.server;

import dev.deliberate.core.DeliberateException;
import java.util.Optional;

/**
 * A request the server refuses, with what OpenAI's error body says: the HTTP status, the error {@code type}, the
 * offending {@code param} and a machine-readable {@code code}. The message never holds a key.
 */
final class ApiException extends DeliberateException {

    private static final long serialVersionUID = 1L;

    final int status;
    final String type;
    final transient Optional<String> param;
    final transient Optional<String> code;

    ApiException(int status, String type, String code, String param, String message) {
        super(message);
        this.status = status;
        this.type = type;
        this.code = Optional.ofNullable(code);
        this.param = Optional.ofNullable(param);
    }

    /** 400, {@code invalid_request_error}. */
    static ApiException badRequest(String param, String message) {
        return new ApiException(400, "invalid_request_error", null, param, message);
    }

    /** 400 with a code. */
    static ApiException badRequest(String param, String code, String message) {
        return new ApiException(400, "invalid_request_error", code, param, message);
    }
}
