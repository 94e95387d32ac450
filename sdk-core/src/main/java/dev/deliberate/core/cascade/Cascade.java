package dev.deliberate.core.cascade;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.core.AnswerFormat;
import dev.deliberate.core.DeliberateException;
import dev.deliberate.core.FinishReason;
import dev.deliberate.core.InvalidAnswerException;
import dev.deliberate.core.InvalidRequestException;
import dev.deliberate.core.Reasoning;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningRequest;
import dev.deliberate.core.ThinkingBudget;
import dev.deliberate.core.Usage;
import dev.deliberate.core.council.Council;
import dev.deliberate.core.council.CouncilQuorumException;
import dev.deliberate.core.council.CouncilResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Tries its steps in order (typically fast, deep, council) and stops at the first answer that is good enough.
 *
 * <p>A model step's answer escalates when the call fails, the answer is invalid (a schema was requested and the
 * answer did not validate), the call was cancelled, or any {@link CascadeRule} says so. A council step's answer is
 * accepted when the council does not flag disagreement and has a final answer (chair or consensus); below quorum it
 * counts as failed. When the caller marks a case novel, the fast steps are skipped. When no step is accepted, the
 * result carries the last answer produced with {@code resolved = false}.
 *
 * <p>The fast path costs one request copy and the rules on top of the model call: no threads, no I/O. Thread-safe;
 * the cascade does not own its models or councils.
 *
 * <pre>{@code
 * Cascade cascade = Cascade.builder()
 *         .fast("no-thinking", model, ThinkingBudget.none())
 *         .deep("thinking-2k", model, ThinkingBudget.tokens(2048))
 *         .council("council", council)
 *         .rule(CascadeRule.confidenceBelow("/confidence", 0.8))
 *         .build();
 * CascadeResult r = cascade.run(request);
 * }</pre>
 */
public final class Cascade {

    private final List<CascadeStep> steps;
    private final List<CascadeRule> rules;

    private Cascade(List<CascadeStep> steps, List<CascadeRule> rules) {
        this.steps = List.copyOf(steps);
        this.rules = List.copyOf(rules);
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The steps, in order. */
    public List<CascadeStep> steps() {
        return steps;
    }

    /** Runs the cascade on a case that is not marked novel. */
    public CascadeResult run(ReasoningRequest request) {
        return run(request, false);
    }

    /**
     * Runs the cascade.
     *
     * @param novel the caller marks the case novel: the fast steps are skipped
     */
    public CascadeResult run(ReasoningRequest request, boolean novel) {
        Objects.requireNonNull(request, "request");
        Instant startedAt = Instant.now();
        long t0 = System.nanoTime();
        List<StepResult> path = new ArrayList<>(steps.size());
        boolean json = request.answerFormat() instanceof AnswerFormat.Json;
        Optional<String> answer = Optional.empty();
        Optional<JsonNode> answerJson = Optional.empty();
        Optional<String> decidedBy = Optional.empty();
        boolean resolved = false;
        boolean anyRunnable = false;
        for (CascadeStep step : steps) {
            if (resolved) {
                break;
            }
            if (novel && step.tier() == CascadeStep.Tier.FAST) {
                path.add(new StepResult(step.name(), step.tier(), StepResult.Status.SKIPPED, Optional.empty(),
                        Optional.empty(), Optional.of("the case is marked novel"), new Usage(0, 0, 0), Duration.ZERO));
                continue;
            }
            anyRunnable = true;
            long s = System.nanoTime();
            if (step instanceof CascadeStep.Model m) {
                ReasoningRequest r = m.thinkingBudget().isPresent()
                        ? request.toBuilder().thinkingBudget(m.thinkingBudget().get()).build() : request;
                Reasoning reasoning;
                try {
                    reasoning = m.model().reason(r);
                } catch (InvalidAnswerException e) {
                    path.add(failed(step, StepResult.Status.ESCALATED, "invalid answer: " + e.getMessage(), s));
                    continue;
                } catch (DeliberateException e) {
                    path.add(failed(step, StepResult.Status.FAILED, e.getClass().getSimpleName() + ": "
                            + e.getMessage(), s));
                    continue;
                }
                Optional<String> why = judge(r, reasoning, json);
                Duration elapsed = Duration.ofNanos(System.nanoTime() - s);
                answer = Optional.of(reasoning.answer());
                answerJson = reasoning.answerJson();
                decidedBy = Optional.of(step.name());
                resolved = why.isEmpty();
                path.add(new StepResult(step.name(), step.tier(), resolved ? StepResult.Status.ACCEPTED
                        : StepResult.Status.ESCALATED, Optional.of(reasoning), Optional.empty(), why,
                        reasoning.usage(), elapsed));
            } else if (step instanceof CascadeStep.CouncilStep c) {
                CouncilResult result;
                try {
                    result = c.council().deliberate(request);
                } catch (CouncilQuorumException e) {
                    path.add(new StepResult(step.name(), step.tier(), StepResult.Status.FAILED, Optional.empty(),
                            Optional.of(e.partial()), Optional.of(e.getMessage()), e.partial().usage(),
                            Duration.ofNanos(System.nanoTime() - s)));
                    continue;
                }
                Optional<JsonNode> fin = result.finalAnswer();
                Optional<String> why = result.disagreement()
                        ? Optional.of(String.format(java.util.Locale.ROOT, "the council disagrees (agreement %.2f"
                                + " < %.2f)", result.agreement(), result.threshold()))
                        : fin.isEmpty() ? Optional.of("the council reached no consensus") : Optional.empty();
                if (fin.isPresent()) {
                    answer = Optional.of(fin.get().isTextual() && !json ? fin.get().asText() : fin.get().toString());
                    answerJson = json ? fin : Optional.empty();
                    decidedBy = Optional.of(step.name());
                }
                resolved = why.isEmpty();
                path.add(new StepResult(step.name(), step.tier(), resolved ? StepResult.Status.ACCEPTED
                        : StepResult.Status.ESCALATED, Optional.empty(), Optional.of(result), why, result.usage(),
                        Duration.ofNanos(System.nanoTime() - s)));
            }
        }
        if (!anyRunnable) {
            throw new InvalidRequestException("the case is marked novel but the cascade has only fast steps");
        }
        int p = 0;
        int t = 0;
        int a = 0;
        for (StepResult sr : path) {
            p += sr.usage().promptTokens();
            t += sr.usage().thinkingTokens();
            a += sr.usage().answerTokens();
        }
        return new CascadeResult(path, answer, answerJson, decidedBy, resolved, novel, new Usage(p, t, a),
                Duration.ofNanos(System.nanoTime() - t0), startedAt);
    }

    private Optional<String> judge(ReasoningRequest request, Reasoning reasoning, boolean json) {
        if (reasoning.finish() == FinishReason.CANCELLED) {
            return Optional.of("the call was cancelled");
        }
        if (json && reasoning.answerJson().isEmpty()) {
            return Optional.of("the answer is not valid for the schema");
        }
        for (CascadeRule rule : rules) {
            Optional<String> why = rule.escalate(request, reasoning);
            if (why.isPresent()) {
                return why;
            }
        }
        return Optional.empty();
    }

    private static StepResult failed(CascadeStep step, StepResult.Status status, String why, long start) {
        return new StepResult(step.name(), step.tier(), status, Optional.empty(), Optional.empty(), Optional.of(why),
                new Usage(0, 0, 0), Duration.ofNanos(System.nanoTime() - start));
    }

    /** Builds a {@link Cascade}. */
    public static final class Builder {
        private final List<CascadeStep> steps = new ArrayList<>();
        private final List<CascadeRule> rules = new ArrayList<>();
        private final Set<String> names = new HashSet<>();

        private Builder() {}

        /** Adds a fast step: {@code model} with the request's own thinking budget. */
        public Builder fast(String name, ReasoningModel model) {
            return step(new CascadeStep.Model(name, CascadeStep.Tier.FAST, model, Optional.empty()));
        }

        /** Adds a fast step: {@code model} with {@code budget} (typically {@link ThinkingBudget#none()}). */
        public Builder fast(String name, ReasoningModel model, ThinkingBudget budget) {
            return step(new CascadeStep.Model(name, CascadeStep.Tier.FAST, model, Optional.of(budget)));
        }

        /** Adds a deep-reasoning step: {@code model} with {@code budget}. */
        public Builder deep(String name, ReasoningModel model, ThinkingBudget budget) {
            return step(new CascadeStep.Model(name, CascadeStep.Tier.DEEP, model, Optional.of(budget)));
        }

        /** Adds a council step. */
        public Builder council(String name, Council council) {
            return step(new CascadeStep.CouncilStep(name, council));
        }

        /** Adds a step. */
        public Builder step(CascadeStep step) {
            Objects.requireNonNull(step, "step");
            if (!names.add(step.name())) {
                throw new InvalidRequestException("two cascade steps are named '" + step.name() + "'");
            }
            steps.add(step);
            return this;
        }

        /** Adds an escalation rule for model steps. */
        public Builder rule(CascadeRule rule) {
            rules.add(Objects.requireNonNull(rule, "rule"));
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws InvalidRequestException without steps
         */
        public Cascade build() {
            if (steps.isEmpty()) {
                throw new InvalidRequestException("a cascade needs at least one step");
            }
            return new Cascade(steps, rules);
        }
    }
}
