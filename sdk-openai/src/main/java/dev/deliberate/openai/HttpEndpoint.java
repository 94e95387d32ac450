package dev.deliberate.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deliberate.core.BackendTimeoutException;
import dev.deliberate.core.BackendUnavailableException;
import dev.deliberate.core.InvalidRequestException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One OpenAI-compatible endpoint: its base URL, the key, and typed failures. The key is only ever put into the
 * {@code Authorization} header.
 */
final class HttpEndpoint {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_ERROR_BODY = 16 * 1024;
    static final int MAX_JSON_BODY = 16 * 1024 * 1024;

    private final URI base;
    private final String display;
    private final HttpClient client;
    private final Optional<String> key;
    private final RemoteErrors errors;

    HttpEndpoint(URI base, HttpClient client, Optional<String> key) {
        if (base.getRawUserInfo() != null) {
            throw new InvalidRequestException("endpoint URLs must not carry credentials; pass the key with --api-key"
                    + " or " + RemoteOptions.API_KEY_ENV);
        }
        String s = base.toString();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        this.base = URI.create(s);
        this.display = s;
        this.client = client;
        this.key = key;
        this.errors = new RemoteErrors(key);
    }

    /** The base URL as shown in results and messages (no credentials). */
    String display() {
        return display;
    }

    RemoteErrors errors() {
        return errors;
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(display + path));
        key.ifPresent(k -> b.header("Authorization", "Bearer " + k));
        return b;
    }

    /** {@code GET /models}, bounded in time and size. */
    JsonNode models(Duration timeout) {
        long until = System.nanoTime() + timeout.toNanos();
        Exchange x = send(request("/models").GET().header("Accept", "application/json"), until);
        try {
            byte[] body = x.body().readAll(MAX_JSON_BODY, until);
            if (body.length > MAX_JSON_BODY) {
                throw new RemoteProtocolException(display + ": the model list is larger than " + MAX_JSON_BODY
                        + " bytes");
            }
            return JSON.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new RemoteProtocolException(display + "/models did not answer JSON (is this an OpenAI-compatible"
                    + " /v1 URL?)");
        } catch (java.io.IOException e) {
            throw errors.forException(display, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            x.body().cancel();
            throw new BackendUnavailableException(display + ": interrupted");
        } finally {
            x.body().cancel();
        }
    }

    /** {@code POST path} with a JSON body; returns once the status is known and is 2xx. */
    Exchange post(String path, byte[] json, long firstByteUntilNanos) {
        return send(request(path).POST(HttpRequest.BodyPublishers.ofByteArray(json))
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream, application/json"), firstByteUntilNanos);
    }

    private Exchange send(HttpRequest.Builder builder, long untilNanos) {
        ResponseBody body = new ResponseBody(1 << 20);
        CompletableFuture<HttpResponse.ResponseInfo> info = new CompletableFuture<>();
        HttpResponse.BodyHandler<Void> handler = ri -> {
            info.complete(ri);
            return HttpResponse.BodySubscribers.fromSubscriber(body);
        };
        CompletableFuture<HttpResponse<Void>> sent = client.sendAsync(builder.build(), handler);
        sent.whenComplete((r, e) -> {
            if (e != null) {
                info.completeExceptionally(e);
            }
        });
        HttpResponse.ResponseInfo ri;
        try {
            long wait = Math.max(0, untilNanos - System.nanoTime());
            ri = info.get(wait, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            sent.cancel(true);
            body.cancel();
            throw new BackendTimeoutException(display + ": no response within the first-byte timeout");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sent.cancel(true);
            body.cancel();
            throw new BackendUnavailableException(display + ": interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            throw errors.forException(display, e.getCause());
        }
        if (ri.statusCode() / 100 != 2) {
            byte[] text;
            try {
                text = body.readAll(MAX_ERROR_BODY, Math.min(untilNanos, System.nanoTime() + 5_000_000_000L));
            } catch (java.io.IOException | InterruptedException e) {
                text = new byte[0];
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
            } finally {
                body.cancel();
            }
            throw errors.forStatus(display, ri.statusCode(), ri.headers(), text);
        }
        return new Exchange(ri.headers(), body);
    }

    /** A response with a 2xx status whose body is being received. */
    record Exchange(HttpHeaders headers, ResponseBody body) {
        String contentType() {
            return headers.firstValue("content-type").orElse("").toLowerCase(java.util.Locale.ROOT);
        }
    }
}
