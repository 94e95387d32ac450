package dev.deliberate.openai;

import dev.deliberate.core.BackendTimeoutException;
import dev.deliberate.core.DeliberateException;
import dev.deliberate.core.RateLimitedException;
import dev.deliberate.core.RetriableException;
import dev.deliberate.core.ServedBy;
import dev.deliberate.core.spi.GenerationResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One or more endpoints serving the same model, used as one: each generation goes to the healthy endpoint with the
 * fewest requests in flight (ties in turn); retriable failures (429, 5xx, connection errors, timeouts, protocol
 * garbage) are retried with exponential backoff and jitter, honouring {@code Retry-After}, on another endpoint when
 * there is one; an endpoint that failed is left out until a health check ({@code GET /models}) finds it answering
 * again. A stream that already delivered tokens is never re-run: its failure goes to the caller.
 */
final class Fleet implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Fleet.class);

    /** One endpoint and its state. */
    static final class Member {
        final HttpEndpoint endpoint;
        final String modelId;
        final AtomicInteger outstanding = new AtomicInteger();
        volatile boolean down;
        volatile long notBeforeNanos;

        Member(HttpEndpoint endpoint, String modelId) {
            this.endpoint = endpoint;
            this.modelId = modelId;
        }

        boolean available(long now) {
            return !down && now - notBeforeNanos >= 0;
        }

        @Override
        public String toString() {
            return endpoint.display();
        }
    }

    /** One request to one member; sets {@code delivered[0]} once a token reached the caller. */
    interface Attempt {
        GenerationResult run(Member member, boolean[] delivered);
    }

    private final List<Member> members;
    private final RemoteOptions options;
    private final Random jitter;
    private final AtomicInteger turn = new AtomicInteger();
    private final ScheduledExecutorService health;

    Fleet(List<Member> members, RemoteOptions options) {
        this.members = List.copyOf(members);
        this.options = options;
        this.jitter = new Random(options.jitterSeed());
        this.health = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "deliberate-remote-health");
            t.setDaemon(true);
            return t;
        });
        long every = options.healthCheckInterval().toMillis();
        health.scheduleWithFixedDelay(this::probeDown, every, every, TimeUnit.MILLISECONDS);
    }

    List<Member> members() {
        return members;
    }

    /** Runs {@code attempt} with retries and failover; the result names the endpoint that served it. */
    GenerationResult call(Attempt attempt) {
        List<String> failovers = new ArrayList<>();
        Set<Member> tried = new HashSet<>();
        Member previous = null;
        for (int n = 1; ; n++) {
            Member m = pick(tried);
            if (previous != null && (m == previous || !m.available(System.nanoTime()))) {
                sleep(backoff(n - 1, Optional.empty()));
            }
            tried.add(m);
            boolean[] delivered = {false};
            try {
                GenerationResult r = attempt.run(m, delivered);
                if (m.down) {
                    m.down = false;
                }
                return new GenerationResult(r.promptTokens(), r.generatedTokens(), r.stopReason(),
                        Optional.of(new ServedBy(m.endpoint.display(), m.modelId, failovers, n)),
                        r.reasoningTokens());
            } catch (RetriableException e) {
                markFailed(m, e);
                if (delivered[0]) {
                    throw e; // never re-run a stream the caller already saw part of
                }
                if (n >= options.maxAttempts()) {
                    throw failovers.isEmpty() ? e : withHistory(e, failovers);
                }
                if (e instanceof RateLimitedException rl && rl.retryAfter().isPresent()
                        && rl.retryAfter().get().compareTo(options.maxRetryAfter()) > 0 && members.size() == 1) {
                    throw e; // the server asked for a longer wait than the caller allows
                }
                failovers.add(m.endpoint.display() + ": " + e.getMessage());
                LOG.debug("attempt {} on {} failed, retrying: {}", n, m, e.getMessage());
                if (e instanceof RateLimitedException rl && rl.retryAfter().isPresent() && members.size() == 1) {
                    sleep(rl.retryAfter().get());
                    previous = null; // waited already
                } else {
                    previous = m;
                }
            } finally {
                m.outstanding.decrementAndGet();
            }
        }
    }

    private static DeliberateException withHistory(RetriableException last, List<String> failovers) {
        String message = last.getMessage() + " (earlier attempts: " + String.join("; ", failovers) + ")";
        if (last instanceof RateLimitedException rl) {
            return new RateLimitedException(message, rl.retryAfter());
        }
        if (last instanceof BackendTimeoutException) {
            return new BackendTimeoutException(message, last);
        }
        return new dev.deliberate.core.BackendUnavailableException(message, last);
    }

    private void markFailed(Member m, RetriableException e) {
        if (e instanceof RateLimitedException rl) {
            Duration wait = rl.retryAfter().orElse(backoff(1, Optional.empty()));
            m.notBeforeNanos = System.nanoTime() + wait.toNanos();
        } else if (members.size() > 1) {
            m.down = true; // back after a health check answers
        }
    }

    /**
     * The available member with the fewest requests in flight, preferring ones not yet tried in this call; counted
     * as outstanding at once, so that concurrent picks spread.
     */
    synchronized Member pick(Set<Member> tried) {
        long now = System.nanoTime();
        List<Member> pool = new ArrayList<>();
        for (Member m : members) {
            if (m.available(now) && !tried.contains(m)) {
                pool.add(m);
            }
        }
        if (pool.isEmpty()) {
            for (Member m : members) {
                if (m.available(now)) {
                    pool.add(m);
                }
            }
        }
        if (pool.isEmpty()) {
            pool.addAll(members); // all out: try anyway rather than fail without asking
        }
        int least = pool.stream().mapToInt(m -> m.outstanding.get()).min().orElse(0);
        List<Member> best = pool.stream().filter(m -> m.outstanding.get() == least).toList();
        Member m = best.get(Math.floorMod(turn.getAndIncrement(), best.size()));
        m.outstanding.incrementAndGet();
        return m;
    }

    /** Exponential backoff with equal jitter: half fixed, half random. */
    Duration backoff(int retry, Optional<Duration> retryAfter) {
        long base = options.initialBackoff().toMillis() << Math.min(20, Math.max(0, retry - 1));
        long capped = Math.min(options.maxBackoff().toMillis(), base);
        long ms;
        synchronized (jitter) {
            ms = capped / 2 + (capped > 1 ? (long) (jitter.nextDouble() * (capped / 2.0)) : 0);
        }
        Duration d = Duration.ofMillis(ms);
        return retryAfter.filter(r -> r.compareTo(d) > 0).orElse(d);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.deliberate.core.BackendUnavailableException("interrupted while waiting to retry");
        }
    }

    private void probeDown() {
        for (Member m : members) {
            if (!m.down) {
                continue;
            }
            try {
                m.endpoint.models(options.connectTimeout().plus(options.connectTimeout()));
                m.down = false;
                LOG.info("endpoint {} answers again", m);
            } catch (DeliberateException e) {
                LOG.debug("endpoint {} still down: {}", m, e.getMessage());
            } catch (RuntimeException e) {
                LOG.debug("endpoint {} health check failed", m, e);
            }
        }
    }

    @Override
    public void close() {
        health.shutdownNow();
    }
}
