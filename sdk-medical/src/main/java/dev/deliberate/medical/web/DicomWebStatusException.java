package dev.deliberate.medical.web;

import java.net.URI;

/**
 * The server answered with an HTTP error status. The message names the method, the URL (without query credentials or
 * user info), the status and the server's own explanation when it gave one. Subtypes say what the caller can do:
 * {@link DicomWebNotFoundException} (404), {@link DicomWebAuthException} (401, 403) and
 * {@link DicomWebUnavailableException} (429, 502, 503, 504: retry later).
 */
public class DicomWebStatusException extends DicomWebException {
    private static final long serialVersionUID = 1L;

    private final int statusCode;
    private final String method;
    private final URI uri;
    private final String serverMessage;

    /**
     * @param method        the HTTP method
     * @param uri           the request URL
     * @param statusCode    the HTTP status
     * @param serverMessage the server's explanation, empty when it gave none
     */
    public DicomWebStatusException(String method, URI uri, int statusCode, String serverMessage) {
        super(method + " " + DicomWebClient.redact(uri) + ": HTTP " + statusCode + " " + reasonPhrase(statusCode)
                + (serverMessage.isEmpty() ? "" : ": " + serverMessage));
        this.method = method;
        this.uri = uri;
        this.statusCode = statusCode;
        this.serverMessage = serverMessage;
    }

    /** The exception type for a status: the most specific subtype. */
    static DicomWebStatusException of(String method, URI uri, int status, String serverMessage) {
        return switch (status) {
            case 404 -> new DicomWebNotFoundException(method, uri, serverMessage);
            case 401, 403 -> new DicomWebAuthException(method, uri, status, serverMessage);
            case 429, 502, 503, 504 -> new DicomWebUnavailableException(method, uri, status, serverMessage);
            default -> new DicomWebStatusException(method, uri, status, serverMessage);
        };
    }

    /** The HTTP status code. */
    public int statusCode() {
        return statusCode;
    }

    /** The HTTP method of the failed request. */
    public String method() {
        return method;
    }

    /** The URL of the failed request. */
    public URI uri() {
        return uri;
    }

    /** What the server said about the failure (bounded), or empty. */
    public String serverMessage() {
        return serverMessage;
    }

    static String reasonPhrase(int status) {
        return switch (status) {
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 303 -> "See Other";
            case 307 -> "Temporary Redirect";
            case 308 -> "Permanent Redirect";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 406 -> "Not Acceptable";
            case 409 -> "Conflict";
            case 413 -> "Payload Too Large";
            case 415 -> "Unsupported Media Type";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "";
        };
    }
}
