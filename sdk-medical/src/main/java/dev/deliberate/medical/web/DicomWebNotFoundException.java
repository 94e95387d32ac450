package dev.deliberate.medical.web;

import java.net.URI;

/** HTTP 404: the study, series, instance or endpoint does not exist on the server. */
public class DicomWebNotFoundException extends DicomWebStatusException {
    private static final long serialVersionUID = 1L;

    /**
     * @param method        the HTTP method
     * @param uri           the request URL
     * @param serverMessage the server's explanation, empty when it gave none
     */
    public DicomWebNotFoundException(String method, URI uri, String serverMessage) {
        super(method, uri, 404, serverMessage);
    }
}
