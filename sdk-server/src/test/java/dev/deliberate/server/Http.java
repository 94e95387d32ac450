package dev.deliberate.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** A plain HTTP client for the tests (java.net.http): raw requests, bodies as JSON, streams as SSE data lines. */
final class Http {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private Http() {}

    /** A response: status, the body parsed as JSON (or a text node), the headers. */
    record Reply(int status, JsonNode json, java.net.http.HttpHeaders headers) {
        String errorCode() {
            return json.path("error").path("code").asText("");
        }

        String errorType() {
            return json.path("error").path("type").asText("");
        }
    }

    static Reply get(URI url, String key) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(60)).GET();
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return reply(CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString()));
    }

    static Reply post(URI url, String key, String body) throws IOException, InterruptedException {
        return post(url, key, HttpRequest.BodyPublishers.ofString(body));
    }

    static Reply post(URI url, String key, HttpRequest.BodyPublisher body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(body);
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return reply(CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString()));
    }

    /** Posts a streaming request and returns the parsed {@code data:} payloads ({@code [DONE]} as a text node). */
    static List<JsonNode> stream(URI url, String key, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        HttpResponse<Stream<String>> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofLines());
        List<JsonNode> out = new ArrayList<>();
        try (Stream<String> lines = r.body()) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.startsWith("data: ")) {
                    String data = line.substring(6);
                    out.add(data.equals("[DONE]") ? JSON.getNodeFactory().textNode(data) : JSON.readTree(data));
                }
            }
        }
        if (r.statusCode() != 200) {
            throw new AssertionError("stream answered " + r.statusCode());
        }
        return out;
    }

    private static Reply reply(HttpResponse<String> r) throws IOException {
        JsonNode json;
        try {
            json = JSON.readTree(r.body());
        } catch (IOException e) {
            json = JSON.getNodeFactory().textNode(r.body());
        }
        return new Reply(r.statusCode(), json == null ? JSON.missingNode() : json, r.headers());
    }

    /** Concatenates the {@code delta.FIELD} texts of a stream's chunks. */
    static String deltas(List<JsonNode> chunks, String field) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode c : chunks) {
            JsonNode d = c.path("choices").path(0).path("delta").path(field);
            if (d.isTextual()) {
                sb.append(d.asText());
            }
        }
        return sb.toString();
    }
}
