package dev.deliberate.core.budget;

import dev.deliberate.core.Reasoning;
import java.time.Duration;

/**
 * Keeps an up-to-date, deliberately pessimistic estimate of how fast a model works, from the timings of its own calls:
 * decode rate (tokens/s), time to the first token (prompt processing) and answer length. It starts from a conservative
 * prior and moves towards measured values with an exponentially weighted average; the rate it reports is the average
 * times a safety factor, so a deadline planned with it is rarely overrun.
 *
 * <p>Thread-safe.
 */
public final class DecodeRateEstimator {

    private static final double ALPHA = 0.3;

    private final double safetyFactor;
    private double tokensPerSecond;
    private double ttftMillis;
    private double answerTokens;
    private long samples;

    /**
     * @param priorTokensPerSecond a low guess of the decode rate before any call was measured
     * @param priorTimeToFirstToken a high guess of the prompt processing time
     * @param priorAnswerTokens    a high guess of the answer length in tokens
     * @param safetyFactor         in (0, 1]: the reported rate is the measured average times this
     */
    public DecodeRateEstimator(double priorTokensPerSecond, Duration priorTimeToFirstToken, int priorAnswerTokens,
            double safetyFactor) {
        if (!(priorTokensPerSecond > 0) || Double.isInfinite(priorTokensPerSecond)) {
            throw new IllegalArgumentException("prior rate must be > 0, got " + priorTokensPerSecond);
        }
        if (priorTimeToFirstToken.isNegative() || priorAnswerTokens < 1) {
            throw new IllegalArgumentException("prior time to first token must be >= 0 and answer tokens >= 1");
        }
        if (!(safetyFactor > 0 && safetyFactor <= 1)) {
            throw new IllegalArgumentException("safety factor must be in (0, 1], got " + safetyFactor);
        }
        this.tokensPerSecond = priorTokensPerSecond;
        this.ttftMillis = priorTimeToFirstToken.toNanos() / 1e6;
        this.answerTokens = priorAnswerTokens;
        this.safetyFactor = safetyFactor;
    }

    /**
     * A conservative prior for a small local model on a laptop CPU: 10 tokens/s, 1.5 s to the first token, 64 answer
     * tokens, safety factor 0.8.
     */
    public static DecodeRateEstimator conservative() {
        return new DecodeRateEstimator(10, Duration.ofMillis(1500), 64, 0.8);
    }

    /** Learns from a finished call (calls with fewer than two generated tokens say nothing about the rate). */
    public synchronized void record(Reasoning reasoning) {
        double rate = reasoning.timings().decodeTokensPerSecond();
        if (rate > 0 && Double.isFinite(rate)) {
            tokensPerSecond = samples == 0 ? rate : (1 - ALPHA) * tokensPerSecond + ALPHA * rate;
            double ttft = reasoning.timings().timeToFirstToken().toNanos() / 1e6;
            ttftMillis = samples == 0 ? ttft : (1 - ALPHA) * ttftMillis + ALPHA * ttft;
            samples++;
        }
        int answer = reasoning.usage().answerTokens();
        if (answer > 0) {
            answerTokens = Math.max(1, (1 - ALPHA) * answerTokens + ALPHA * answer);
        }
    }

    /**
     * Learns from a call cut off by its deadline: {@code tokens} generated in {@code elapsed} since the call started
     * (prompt processing included, so the rate seen is a lower bound). Without this, a model that is always too slow
     * for its deadlines would never correct an optimistic estimate.
     */
    public synchronized void recordCutOff(int tokens, Duration elapsed) {
        double ms = elapsed.toNanos() / 1e6;
        if (ms <= 0) {
            return;
        }
        if (tokens <= 0) {
            // not even a first token: prompt processing takes at least this long
            ttftMillis = Math.max(ttftMillis, ms);
            return;
        }
        double rate = tokens / (ms / 1000);
        if (rate < tokensPerSecond) {
            tokensPerSecond = (1 - ALPHA) * tokensPerSecond + ALPHA * rate;
        }
    }

    /** The rate to plan with: the measured (or prior) average times the safety factor. */
    public synchronized double tokensPerSecond() {
        return tokensPerSecond * safetyFactor;
    }

    /** The time to the first token to plan with (the average, stretched by the safety factor). */
    public synchronized Duration timeToFirstToken() {
        return Duration.ofNanos((long) (ttftMillis / safetyFactor * 1e6));
    }

    /** The answer length to plan with, in tokens. */
    public synchronized int answerTokens() {
        return (int) Math.ceil(answerTokens / safetyFactor);
    }

    /** How many calls have been measured. */
    public synchronized long samples() {
        return samples;
    }
}
