package dev.deliberate.core.council;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.core.AnswerFormat;
import dev.deliberate.core.DeliberateException;
import dev.deliberate.core.FinishReason;
import dev.deliberate.core.InvalidAnswerException;
import dev.deliberate.core.InvalidRequestException;
import dev.deliberate.core.Reasoning;
import dev.deliberate.core.ReasoningCall;
import dev.deliberate.core.ReasoningEvent;
import dev.deliberate.core.ReasoningRequest;
import dev.deliberate.core.ThinkingBudget;
import dev.deliberate.core.Usage;
import dev.deliberate.core.budget.BudgetPlan;
import dev.deliberate.core.budget.DeadlinePlanner;
import dev.deliberate.core.budget.DecodeRateEstimator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A council of models. Stage 1: every member answers the request independently, in parallel (local members take
 * turns on at most {@link CouncilOptions#maxConcurrentLocal()} slots). Stage 2: every member that answered judges
 * the others' answers, anonymised and shuffled, under a schema (agree or not, a short critique). Stage 3: the answers
 * are measured ({@link Aggregation}): overall and per-field agreement, the disagreement flag, the consensus. Then,
 * optionally, a chair writes one final answer under the same format.
 *
 * <p>Shared caps: the total thinking tokens are split over the stages and, within a stage, evenly over its calls; the
 * deadline is split over the stages (answers 55%, reviews 30%, chair 15%, re-balanced over the stages that run) and
 * each call's thinking budget within its stage is planned by the core's {@link DeadlinePlanner}, with a
 * {@link DecodeRateEstimator} per member that learns from every call. A member that fails, gives an invalid answer or
 * is still running when its stage ends is recorded with its error (the late one is cancelled) and the council goes on
 * while the quorum holds; below it, {@link CouncilQuorumException} carries what the council got.
 *
 * <p>Thread-safe: one council may serve several calls at once (they share the local-generation slots). The council
 * does not own its members' models.
 */
public final class Council {

    private static final Logger LOG = LoggerFactory.getLogger(Council.class);
    private static final Duration MIN_ATTEMPT = Duration.ofMillis(20);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final List<CouncilMember> members;
    private final Optional<CouncilMember> chair;
    private final CouncilOptions options;
    private final Semaphore localSlots;
    private final Map<String, DecodeRateEstimator> estimators = new ConcurrentHashMap<>();

    private Council(List<CouncilMember> members, Optional<CouncilMember> chair, CouncilOptions options) {
        this.members = List.copyOf(members);
        this.chair = chair;
        this.options = options;
        this.localSlots = new Semaphore(options.maxConcurrentLocal(), true);
    }

    /** A builder for a council. */
    public static Builder builder() {
        return new Builder();
    }

    /** The members, in order. */
    public List<CouncilMember> members() {
        return members;
    }

    /** The chair, if any. */
    public Optional<CouncilMember> chair() {
        return chair;
    }

    /** The options. */
    public CouncilOptions options() {
        return options;
    }

    /** Runs the council on {@code request} without streaming. */
    public CouncilResult deliberate(ReasoningRequest request) {
        return deliberate(request, CouncilListener.IGNORE);
    }

    /**
     * Runs the council on {@code request}; each member gets the request as it is, with its own sampling when it has
     * one and a thinking budget within the council's caps.
     *
     * @throws CouncilQuorumException when fewer members than the quorum answered validly
     */
    public CouncilResult deliberate(ReasoningRequest request, CouncilListener listener) {
        Objects.requireNonNull(request, "request");
        CouncilListener events = serialised(Objects.requireNonNull(listener, "listener"));
        Instant startedAt = Instant.now();
        long t0 = System.nanoTime();
        boolean reviewing = options.review() && members.size() > 1;
        double[] shares = shares(reviewing, chair.isPresent());
        Optional<AnswerFormat.Json> schema = request.answerFormat() instanceof AnswerFormat.Json j
                ? Optional.of(j) : Optional.empty();
        ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "deliberate-council-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            // stage 1: independent answers
            List<Job> answerJobs = new ArrayList<>();
            for (CouncilMember m : members) {
                answerJobs.add(new Job(m, request.toBuilder().sampling(m.sampling().orElse(request.sampling())).build(),
                        schema.isPresent()));
            }
            long s1 = System.nanoTime();
            List<MemberOutcome> answers = runStage(pool, CouncilStage.ANSWER, answerJobs,
                    stageEnd(startedAt, shares[0]), tokenShare(shares[0], answerJobs.size()), events);
            Duration answersTime = Duration.ofNanos(System.nanoTime() - s1);
            List<MemberOutcome> valid = answers.stream().filter(MemberOutcome::answered).toList();
            int quorum = Math.min(options.effectiveQuorum(members.size()), members.size());
            if (valid.size() < quorum) {
                CouncilResult partial = new CouncilResult(answers, List.of(), List.of(), 0, List.of(),
                        OptionalDouble.empty(), options.threshold(), true, Optional.empty(), Optional.empty(),
                        usage(answers), new CouncilTimings(answersTime, Duration.ZERO, Duration.ZERO, Duration.ZERO,
                        Duration.ofNanos(System.nanoTime() - t0)), startedAt);
                StringBuilder why = new StringBuilder();
                answers.stream().filter(o -> !o.answered()).forEach(o -> why.append("; ").append(o.member())
                        .append(": ").append(o.status()).append(" (").append(o.error().orElse("")).append(")"));
                throw new CouncilQuorumException(valid.size() + " of " + members.size()
                        + " members answered validly, quorum is " + quorum + why, partial, quorum);
            }

            // stage 2: cross-review
            List<Review> reviews = new ArrayList<>();
            List<MemberOutcome> reviewCalls = List.of();
            long s2 = System.nanoTime();
            if (reviewing && valid.size() >= 2) {
                List<Job> reviewJobs = new ArrayList<>();
                List<List<String>> subjects = new ArrayList<>();
                for (int k = 0; k < valid.size(); k++) {
                    MemberOutcome reviewer = valid.get(k);
                    List<MemberOutcome> others = new ArrayList<>(valid);
                    others.remove(k);
                    Collections.shuffle(others, new Random(options.shuffleSeed() * 31 + k));
                    subjects.add(others.stream().map(MemberOutcome::member).toList());
                    CouncilMember m = member(reviewer.member());
                    ReasoningRequest rr = ReasoningRequest.builder()
                            .messages(ReviewPrompts.reviewMessages(request, reviewer.reasoning().orElseThrow(),
                                    others.stream().map(o -> o.reasoning().orElseThrow()).toList(),
                                    options.critiqueMaxChars()))
                            .thinkingBudget(request.thinkingBudget())
                            .answerFormat(ReviewPrompts.schema(others.size(), options.critiqueMaxChars()))
                            .answerMaxTokens(options.reviewAnswerMaxTokens())
                            .sampling(m.sampling().orElse(request.sampling()))
                            .build();
                    reviewJobs.add(new Job(m, rr, true));
                }
                reviewCalls = runStage(pool, CouncilStage.REVIEW, reviewJobs,
                        stageEnd(startedAt, shares[0] + shares[1]), tokenShare(shares[1], reviewJobs.size()), events);
                for (int k = 0; k < reviewCalls.size(); k++) {
                    MemberOutcome call = reviewCalls.get(k);
                    if (!call.answered()) {
                        continue;
                    }
                    JsonNode json = call.reasoning().orElseThrow().answerJson().orElseThrow();
                    Map<String, Optional<JsonNode>> read = ReviewPrompts.readReview(json, subjects.get(k).size());
                    int i = 0;
                    for (Optional<JsonNode> one : read.values()) {
                        String subject = subjects.get(k).get(i++);
                        one.ifPresent(o -> reviews.add(new Review(call.member(), subject,
                                o.get("agrees").asBoolean(), o.get("critique").asText())));
                    }
                }
            }
            Duration reviewsTime = reviewCalls.isEmpty() ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - s2);

            // stage 3: aggregation
            long s3 = System.nanoTime();
            List<Double> weights = weights(valid, reviews);
            OptionalDouble reviewAgreement = reviews.isEmpty() ? OptionalDouble.empty()
                    : OptionalDouble.of(reviews.stream().filter(Review::agrees).count() / (double) reviews.size());
            Aggregation agg;
            double agreement;
            Optional<JsonNode> consensus;
            if (schema.isPresent()) {
                agg = Aggregation.of(valid.stream().map(o -> o.reasoning().orElseThrow().answerJson().orElseThrow())
                        .toList(), weights, Optional.of(schema.get().schema()));
                agreement = agg.agreement();
                consensus = agg.consensus().filter(c -> schema.get().validate(c).isEmpty());
            } else {
                agg = Aggregation.ofText(valid.stream().map(o -> o.reasoning().orElseThrow().answer()).toList(),
                        weights);
                agreement = reviewAgreement.orElse(agg.agreement());
                consensus = agg.consensus().or(() -> heaviest(valid, weights));
            }
            Duration aggregationTime = Duration.ofNanos(System.nanoTime() - s3);

            // the chair
            Optional<MemberOutcome> chairOutcome = Optional.empty();
            long s4 = System.nanoTime();
            if (chair.isPresent()) {
                List<MemberOutcome> shuffled = new ArrayList<>(valid);
                Collections.shuffle(shuffled, new Random(options.shuffleSeed() * 31 - 1));
                ReasoningRequest cr = request.toBuilder()
                        .messages(ReviewPrompts.chairMessages(request,
                                shuffled.stream().map(o -> o.reasoning().orElseThrow()).toList(),
                                reviewLines(shuffled, reviews), agg))
                        .sampling(chair.get().sampling().orElse(request.sampling()))
                        .build();
                chairOutcome = Optional.of(runStage(pool, CouncilStage.CHAIR,
                        List.of(new Job(chair.get(), cr, schema.isPresent())), stageEnd(startedAt, 1.0),
                        tokenShare(shares[2], 1), events).get(0));
            }
            Duration chairTime = chairOutcome.isEmpty() ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - s4);

            List<MemberOutcome> all = new ArrayList<>(answers);
            all.addAll(reviewCalls);
            chairOutcome.ifPresent(all::add);
            return new CouncilResult(answers, reviews, reviewCalls, Math.max(0, Math.min(1, agreement)),
                    agg.fields(), reviewAgreement, options.threshold(), agreement < options.threshold(), consensus,
                    chairOutcome, usage(all), new CouncilTimings(answersTime, reviewsTime, aggregationTime,
                    chairTime, Duration.ofNanos(System.nanoTime() - t0)), startedAt);
        } finally {
            pool.shutdownNow();
        }
    }

    private CouncilMember member(String name) {
        return members.stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
    }

    private static double[] shares(boolean reviews, boolean chair) {
        if (reviews && chair) {
            return new double[] {0.55, 0.30, 0.15};
        }
        if (reviews) {
            return new double[] {0.65, 0.35, 0};
        }
        if (chair) {
            return new double[] {0.8, 0, 0.2};
        }
        return new double[] {1, 0, 0};
    }

    private Optional<Instant> stageEnd(Instant start, double cumulativeShare) {
        return options.deadline().map(d -> start.plusNanos((long) (d.toNanos() * Math.min(1, cumulativeShare))));
    }

    private int tokenShare(double share, int calls) {
        if (options.totalThinkingTokens() == ThinkingBudget.UNLIMITED) {
            return ThinkingBudget.UNLIMITED;
        }
        return (int) Math.floor(options.totalThinkingTokens() * share / Math.max(1, calls));
    }

    private List<Double> weights(List<MemberOutcome> valid, List<Review> reviews) {
        List<Double> out = new ArrayList<>();
        for (MemberOutcome o : valid) {
            if (options.consensusRule() == ConsensusRule.MAJORITY) {
                out.add(1.0);
            } else {
                long of = reviews.stream().filter(r -> r.subject().equals(o.member())).count();
                long agree = reviews.stream().filter(r -> r.subject().equals(o.member()) && r.agrees()).count();
                out.add((agree + 1.0) / (of + 2.0));
            }
        }
        return out;
    }

    private static Optional<JsonNode> heaviest(List<MemberOutcome> valid, List<Double> weights) {
        int best = -1;
        boolean tie = false;
        for (int i = 0; i < valid.size(); i++) {
            if (best < 0 || weights.get(i) > weights.get(best)) {
                best = i;
                tie = false;
            } else if (weights.get(i).equals(weights.get(best))) {
                tie = true;
            }
        }
        if (best < 0 || tie) {
            return Optional.empty();
        }
        return Optional.of(com.fasterxml.jackson.databind.node.TextNode.valueOf(
                valid.get(best).reasoning().orElseThrow().answer()));
    }

    private static List<String> reviewLines(List<MemberOutcome> shuffled, List<Review> reviews) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < shuffled.size(); i++) {
            String subject = shuffled.get(i).member();
            List<Review> about = reviews.stream().filter(r -> r.subject().equals(subject)).toList();
            if (about.isEmpty()) {
                continue;
            }
            StringBuilder sb = new StringBuilder("Answer ").append(ReviewPrompts.label(i)).append(": ")
                    .append(about.stream().filter(Review::agrees).count()).append(" of ").append(about.size())
                    .append(" reviewers agree.");
            about.forEach(r -> sb.append(" \"").append(r.critique().strip()).append("\""));
            lines.add(sb.toString());
        }
        return lines;
    }

    private static Usage usage(List<MemberOutcome> outcomes) {
        int p = 0;
        int t = 0;
        int a = 0;
        for (MemberOutcome o : outcomes) {
            if (o.reasoning().isPresent()) {
                Usage u = o.reasoning().get().usage();
                p += u.promptTokens();
                t += u.thinkingTokens();
                a += u.answerTokens();
            }
        }
        return new Usage(p, t, a);
    }

    private static CouncilListener serialised(CouncilListener listener) {
        if (listener == CouncilListener.IGNORE) {
            return listener;
        }
        Object lock = new Object();
        return event -> {
            synchronized (lock) {
                try {
                    listener.onEvent(event);
                } catch (RuntimeException e) {
                    LOG.warn("council listener failed on {}: {}", event.getClass().getSimpleName(), e.toString());
                }
            }
        };
    }

    /** One call to make in a stage. */
    private record Job(CouncilMember member, ReasoningRequest request, boolean json) { }

    private List<MemberOutcome> runStage(ExecutorService pool, CouncilStage stage, List<Job> jobs,
            Optional<Instant> end, int tokenCap, CouncilListener events) {
        events.onEvent(new CouncilEvent.StageStarted(stage));
        long start = System.nanoTime();
        List<Future<MemberOutcome>> futures = new ArrayList<>();
        List<AtomicReference<ReasoningCall>> calls = new ArrayList<>();
        List<AtomicInteger> tokens = new ArrayList<>();
        for (Job job : jobs) {
            AtomicReference<ReasoningCall> call = new AtomicReference<>();
            AtomicInteger seen = new AtomicInteger();
            calls.add(call);
            tokens.add(seen);
            futures.add(pool.submit(() -> runJob(job, stage, start, end, tokenCap, events, call, seen)));
        }
        List<MemberOutcome> out = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) {
            Job job = jobs.get(i);
            MemberOutcome outcome;
            try {
                if (end.isPresent()) {
                    long wait = Duration.between(Instant.now(), end.get()).toNanos();
                    outcome = futures.get(i).get(Math.max(0, wait), TimeUnit.NANOSECONDS);
                } else {
                    outcome = futures.get(i).get();
                }
            } catch (TimeoutException e) {
                ReasoningCall call = calls.get(i).get();
                if (call != null) {
                    call.cancel();
                }
                futures.get(i).cancel(true);
                Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
                estimator(job.member().name()).recordCutOff(tokens.get(i).get(), elapsed);
                outcome = failed(job, stage, MemberOutcome.Status.TIMED_OUT, "no answer by the end of the "
                        + stage.name().toLowerCase(java.util.Locale.ROOT) + " stage (" + elapsed.toMillis()
                        + " ms); cancelled", start);
            } catch (ExecutionException e) {
                outcome = failed(job, stage, MemberOutcome.Status.FAILED, String.valueOf(e.getCause()), start);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                calls.forEach(c -> {
                    if (c.get() != null) {
                        c.get().cancel();
                    }
                });
                throw new DeliberateException("the council was interrupted", e);
            }
            if (!outcome.answered()) {
                events.onEvent(new CouncilEvent.MemberFailed(outcome.member(), stage, outcome.status(),
                        outcome.error().orElse("")));
            }
            out.add(outcome);
        }
        return out;
    }

    private MemberOutcome runJob(Job job, CouncilStage stage, long stageStart, Optional<Instant> end, int tokenCap,
            CouncilListener events, AtomicReference<ReasoningCall> callRef, AtomicInteger tokensSeen) {
        CouncilMember m = job.member();
        boolean permit = false;
        try {
            if (m.local()) {
                if (end.isPresent()) {
                    long wait = Duration.between(Instant.now(), end.get()).toNanos();
                    permit = wait > 0 && localSlots.tryAcquire(wait, TimeUnit.NANOSECONDS);
                    if (!permit) {
                        return failed(job, stage, MemberOutcome.Status.TIMED_OUT,
                                "no free local generation slot before the end of the stage", stageStart);
                    }
                } else {
                    localSlots.acquire();
                    permit = true;
                }
            }
            ReasoningRequest request = job.request();
            ThinkingBudget base = request.thinkingBudget();
            int cap = Math.min(base.maxTokens(), tokenCap);
            ThinkingBudget budget;
            Instant now = Instant.now();
            if (end.isPresent()) {
                DeadlinePlanner planner = new DeadlinePlanner(estimator(m.name()), request.answerMaxTokens(),
                        cap, MIN_ATTEMPT);
                Optional<BudgetPlan> plan = planner.plan(now, end.get());
                if (plan.isEmpty()) {
                    return failed(job, stage, MemberOutcome.Status.TIMED_OUT, "less than " + MIN_ATTEMPT.toMillis()
                            + " ms left in the stage: not started", stageStart);
                }
                budget = plan.get().toThinkingBudget(now, cap);
                if (base.deadline().isPresent() && budget.deadline().isPresent()
                        && base.deadline().get().isBefore(budget.deadline().get())) {
                    budget = new ThinkingBudget(budget.maxTokens(), base.deadline());
                }
            } else {
                budget = new ThinkingBudget(cap, base.deadline());
            }
            ReasoningRequest call = request.toBuilder().thinkingBudget(budget).build();
            ReasoningCall running = m.model().start(call, e -> {
                if (e instanceof ReasoningEvent.ThinkingDelta d) {
                    tokensSeen.set(d.thinkingTokens());
                }
                events.onEvent(new CouncilEvent.Member(m.name(), stage, e));
            });
            callRef.set(running);
            Reasoning r;
            try {
                r = running.future().get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException re) {
                    throw re;
                }
                throw new DeliberateException(String.valueOf(cause), cause);
            }
            if (r.finish() == FinishReason.CANCELLED) {
                return failed(job, stage, MemberOutcome.Status.FAILED, "the call was cancelled", stageStart);
            }
            if (job.json() && r.answerJson().isEmpty()) {
                return failed(job, stage, MemberOutcome.Status.INVALID, "the answer did not validate against the"
                        + " schema: " + abbreviate(r.answer()), stageStart);
            }
            estimator(m.name()).record(r);
            return new MemberOutcome(m.name(), stage, m.model().info(), MemberOutcome.Status.ANSWERED,
                    Optional.of(r), Optional.empty(), Duration.ofNanos(System.nanoTime() - stageStart),
                    call.sampling(), call.thinkingBudget());
        } catch (InvalidAnswerException e) {
            return failed(job, stage, MemberOutcome.Status.INVALID, e.getMessage(), stageStart);
        } catch (InvalidRequestException e) {
            boolean late = end.isPresent() && !Instant.now().isBefore(end.get());
            return failed(job, stage, late ? MemberOutcome.Status.TIMED_OUT : MemberOutcome.Status.FAILED,
                    e.getMessage(), stageStart);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(job, stage, MemberOutcome.Status.TIMED_OUT, "interrupted at the end of the stage",
                    stageStart);
        } catch (RuntimeException e) {
            String what = e instanceof DeliberateException ? e.getClass().getSimpleName() + ": " + e.getMessage()
                    : e.toString();
            return failed(job, stage, MemberOutcome.Status.FAILED, what, stageStart);
        } finally {
            if (permit) {
                localSlots.release();
            }
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    private MemberOutcome failed(Job job, CouncilStage stage, MemberOutcome.Status status, String error,
            long stageStart) {
        CouncilMember m = job.member();
        return new MemberOutcome(m.name(), stage, m.model().info(), status, Optional.empty(),
                Optional.of(error == null ? status.name() : error), Duration.ofNanos(System.nanoTime() - stageStart),
                job.request().sampling(), job.request().thinkingBudget());
    }

    private DecodeRateEstimator estimator(String member) {
        return estimators.computeIfAbsent(member, k -> DecodeRateEstimator.conservative());
    }

    /** Builds a {@link Council}. */
    public static final class Builder {
        private final Map<String, CouncilMember> members = new LinkedHashMap<>();
        private Optional<CouncilMember> chair = Optional.empty();
        private CouncilOptions options = CouncilOptions.defaults();

        private Builder() {}

        /** Adds a member using the request's sampling. */
        public Builder member(String name, dev.deliberate.core.ReasoningModel model) {
            return member(CouncilMember.of(name, model));
        }

        /** Adds a member. */
        public Builder member(CouncilMember member) {
            Objects.requireNonNull(member, "member");
            if (members.putIfAbsent(member.name(), member) != null) {
                throw new InvalidRequestException("two council members are named '" + member.name() + "'");
            }
            return this;
        }

        /** Adds members (e.g. from {@link CouncilMember#selfConsistency}). */
        public Builder members(List<CouncilMember> list) {
            list.forEach(this::member);
            return this;
        }

        /** Sets the chair, which synthesises the final answer. */
        public Builder chair(CouncilMember member) {
            this.chair = Optional.of(Objects.requireNonNull(member, "chair"));
            return this;
        }

        /** Sets the options. */
        public Builder options(CouncilOptions councilOptions) {
            this.options = Objects.requireNonNull(councilOptions, "options");
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws InvalidRequestException without members, or when the quorum exceeds the number of members
         */
        public Council build() {
            if (members.isEmpty()) {
                throw new InvalidRequestException("a council needs at least one member");
            }
            if (options.quorum() > members.size()) {
                throw new InvalidRequestException("quorum " + options.quorum() + " is more than the "
                        + members.size() + " members");
            }
            return new Council(new ArrayList<>(members.values()), chair, options);
        }
    }
}
