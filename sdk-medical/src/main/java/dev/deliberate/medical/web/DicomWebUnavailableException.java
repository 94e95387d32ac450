package dev.deliberate.medical.web;

import java.net.URI;

/** HTTP 429, 502, 503 or 504: the server is overloaded or down; retrying later may succeed. */
public class DicomWebUnavailableException extends DicomWebStatusException {
    private static final long serialVersionUID = 1L;

    /**
     * @param method        the HTTP method
     * @param uri           the request URL
     * @param statusCode    the HTTP status
     * @param serverMessage the server's explanation, empty when it gave none
     */
    public DicomWebUnavailableException(String method, URI uri, int statusCode, String serverMessage) {
        super(method, uri, statusCode, serverMessage);
    }
}
