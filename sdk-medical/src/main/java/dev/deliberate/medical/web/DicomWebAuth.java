package dev.deliberate.medical.web;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The one header that authenticates every request of a {@link DicomWebClient}: a bearer token, HTTP basic
 * credentials, or any named header (an API key). The value is asked for on each request, so a token that expires can
 * be refreshed by a {@link #of(String, Supplier) supplier}. Implementations never show the credential in
 * {@link Object#toString()}, and the client never puts it in a message.
 */
public interface DicomWebAuth {

    /** The header's name, e.g. {@code Authorization}. */
    String headerName();

    /** The header's value for the next request, e.g. {@code Bearer eyJ...}. */
    String headerValue();

    /** {@code Authorization: Bearer TOKEN} (RFC 6750). */
    static DicomWebAuth bearer(String token) {
        String t = requireToken(token, "bearer token");
        return new Fixed("Authorization", "Bearer " + t, "bearer");
    }

    /** {@code Authorization: Basic base64(user:password)} (RFC 7617); the user may not contain ':'. */
    static DicomWebAuth basic(String user, String password) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        if (user.isEmpty() || user.indexOf(':') >= 0) {
            throw new IllegalArgumentException("basic auth user must be non-empty and contain no ':'");
        }
        String v = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return new Fixed("Authorization", "Basic " + v, "basic");
    }

    /** Any header with a fixed value (an API key header, a gateway's token). */
    static DicomWebAuth header(String name, String value) {
        return new Fixed(checkName(name), requireToken(value, "header value"), "header " + name);
    }

    /** A header whose value {@code supplier} gives before each request (a refreshed token). */
    static DicomWebAuth of(String name, Supplier<String> supplier) {
        String n = checkName(name);
        Objects.requireNonNull(supplier, "supplier");
        return new DicomWebAuth() {
            @Override
            public String headerName() {
                return n;
            }

            @Override
            public String headerValue() {
                return requireToken(supplier.get(), "header value");
            }

            @Override
            public String toString() {
                return "DicomWebAuth[header " + n + ", value hidden]";
            }
        };
    }

    private static String requireToken(String value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                throw new IllegalArgumentException(what + " must not contain line breaks or NUL");
            }
        }
        return value;
    }

    private static String checkName(String name) {
        Objects.requireNonNull(name, "header name");
        if (name.isEmpty() || !name.chars().allMatch(c -> c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0)) {
            throw new IllegalArgumentException("not an HTTP header name: '" + name + "'");
        }
        if (Set.of("host", "content-length", "content-type", "connection", "expect", "upgrade", "accept",
                "transfer-encoding").contains(name.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("header " + name + " is set by the client and cannot carry credentials");
        }
        return name;
    }

    /** A fixed header; its toString hides the value. */
    final class Fixed implements DicomWebAuth {
        private final String name;
        private final String value;
        private final String kind;

        private Fixed(String name, String value, String kind) {
            this.name = name;
            this.value = value;
            this.kind = kind;
        }

        @Override
        public String headerName() {
            return name;
        }

        @Override
        public String headerValue() {
            return value;
        }

        @Override
        public String toString() {
            return "DicomWebAuth[" + kind + ", value hidden]";
        }
    }
}
