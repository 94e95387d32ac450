package dev.deliberate.medical.web;

import java.net.URI;

/** HTTP 401 or 403: the server wants (other) credentials; see {@link DicomWebAuth}. */
public class DicomWebAuthException extends DicomWebStatusException {
    private static final long serialVersionUID = 1L;

    /**
     * @param method        the HTTP method
     * @param uri           the request URL
     * @param statusCode    the HTTP status
     * @param serverMessage the server's explanation, empty when it gave none
     */
    public DicomWebAuthException(String method, URI uri, int statusCode, String serverMessage) {
        super(method, uri, statusCode, serverMessage);
    }
}
