package dev.deliberate.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deliberate.core.AuthenticationException;
import dev.deliberate.core.BackendTimeoutException;
import dev.deliberate.core.BackendUnavailableException;
import dev.deliberate.core.ContextOverflowException;
import dev.deliberate.core.DeliberateException;
import dev.deliberate.core.InvalidRequestException;
import dev.deliberate.core.RateLimitedException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns HTTP failures into the SDK's typed exceptions, by what the caller can do. Every message names the endpoint
 * and never the key: server messages are cut short and the key (and any long enough piece of it a server echoes,
 * such as OpenAI's "Incorrect API key provided: sk-ab*****wxyz", masked or not) is replaced before it can reach a log
 * or an exception.
 */
final class RemoteErrors {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_SERVER_MESSAGE = 300;

    private static final java.util.regex.Pattern MASKED = java.util.regex.Pattern.compile("[^\\s\"']*\\*{3,}[^\\s\"'.,]*");
    private final Optional<String> key;

    RemoteErrors(Optional<String> key) {
        this.key = key;
    }

    /** {@code text} with the key, and pieces of 8 or more of its characters, removed. */
    String redact(String text) {
        if (text.isEmpty()) {
            return text;
        }
        // masked echoes of whatever key was sent ("sk-ab*****wxyz"): the visible ends are still part of a key
        String out = MASKED.matcher(text).replaceAll("[key]");
        if (key.isEmpty()) {
            return out;
        }
        String k = key.get();
        out = out.replace(k, "[key]");
        int n = Math.min(8, k.length());
        // any window of the key of n characters (servers echo prefixes and suffixes)
        for (int i = 0; i + n <= k.length(); i++) {
            String piece = k.substring(i, i + n);
            if (out.contains(piece)) {
                out = out.replace(piece, "[key]");
            }
        }
        return out;
    }

    /** The failure a non-2xx response means. */
    DeliberateException forStatus(String endpoint, int status, HttpHeaders headers, byte[] body) {
        String message = redact(serverMessage(body));
        String where = endpoint + " answered HTTP " + status + (message.isEmpty() ? "" : ": " + message);
        if (status == 401 || status == 403) {
            return new AuthenticationException(where + " (check the API key: --api-key or "
                    + RemoteOptions.API_KEY_ENV + ")");
        }
        if (status == 429) {
            Optional<Duration> after = headers.firstValue("retry-after").flatMap(RemoteErrors::retryAfter);
            return new RateLimitedException(where + after.map(d -> " (retry after " + d.toMillis() + " ms)").orElse(""),
                    after);
        }
        if (status == 408 || status >= 500) {
            return new BackendUnavailableException(where);
        }
        String lower = message.toLowerCase(Locale.ROOT);
        if (status == 400 && (lower.contains("context length") || lower.contains("context_length")
                || lower.contains("maximum context") || lower.contains("too many tokens")
                || lower.contains("exceeds the available context") || lower.contains("than the context"))) {
            return new ContextOverflowException(where);
        }
        return new InvalidRequestException(where);
    }

    /** The failure an exception of the HTTP client means. */
    DeliberateException forException(String endpoint, Throwable t) {
        Throwable c = t;
        while ((c instanceof java.util.concurrent.CompletionException
                || c instanceof java.util.concurrent.ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof DeliberateException d) {
            return d;
        }
        if (c instanceof HttpConnectTimeoutException) {
            return new BackendTimeoutException(endpoint + ": connecting timed out", c);
        }
        if (c instanceof HttpTimeoutException) {
            return new BackendTimeoutException(endpoint + ": no response in time", c);
        }
        for (Throwable x = c; x != null; x = x.getCause()) {
            if (x instanceof UnresolvedAddressException || x instanceof UnknownHostException) {
                return new BackendUnavailableException(endpoint + ": the host name does not resolve", c);
            }
        }
        if (c instanceof ConnectException) {
            return new BackendUnavailableException(endpoint + ": connection refused", c);
        }
        String m = c.getMessage() == null ? c.getClass().getSimpleName() : redact(c.getMessage());
        return new BackendUnavailableException(endpoint + ": " + m, c);
    }

    /** The message of an OpenAI-shaped (or vLLM- or FastAPI-shaped) error body, cut short. */
    static String serverMessage(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).trim();
        String message = text;
        try {
            JsonNode n = JSON.readTree(text);
            if (n != null) {
                JsonNode m = n.path("error").path("message");
                if (m.isMissingNode() || m.isNull()) {
                    m = n.path("error").isTextual() ? n.path("error") : n.path("message");
                }
                if (m.isMissingNode() || m.isNull()) {
                    m = n.path("detail");
                }
                if (!m.isMissingNode() && !m.isNull()) {
                    message = m.isTextual() ? m.asText() : m.toString();
                }
            }
        } catch (java.io.IOException | RuntimeException notJson) {
            // keep the raw text
        }
        message = message.replaceAll("\\s+", " ");
        return message.length() > MAX_SERVER_MESSAGE ? message.substring(0, MAX_SERVER_MESSAGE) + "..." : message;
    }

    /** {@code Retry-After}: delay seconds or an HTTP date (RFC 9110 section 10.2.3). */
    static Optional<Duration> retryAfter(String value) {
        String v = value.trim();
        try {
            long seconds = Long.parseLong(v);
            return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (java.time.format.DateTimeParseException notDate) {
                return Optional.empty();
            }
        }
    }
}
