package dev.deliberate.core.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.deliberate.core.AnswerFormat;
import dev.deliberate.core.ChatMessage;
import dev.deliberate.core.ModelInfo;
import dev.deliberate.core.Reasoning;
import dev.deliberate.core.ReasoningRequest;
import dev.deliberate.core.Sampling;
import dev.deliberate.core.ThinkingBudget;
import dev.deliberate.core.Timings;
import dev.deliberate.core.Usage;
import dev.deliberate.core.audit.AuditRedactor.Part;
import dev.deliberate.core.cascade.CascadeResult;
import dev.deliberate.core.cascade.StepResult;
import dev.deliberate.core.council.CouncilResult;
import dev.deliberate.core.council.FieldAgreement;
import dev.deliberate.core.council.MemberOutcome;
import dev.deliberate.core.council.Review;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

/**
 * The JSON form of requests and results: what the audit trail stores and what {@code deliberate ... --json} prints,
 * so both always say the same. Every text goes through the given {@link AuditRedactor}
 * ({@link AuditRedactor#none()} to keep it). Durations are milliseconds ({@code ...Ms}), instants ISO-8601.
 */
public final class ResultJson {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ResultJson() {}

    /** A request: messages, thinking budget, answer bound and format, sampling (with the seed), stop strings. */
    public static ObjectNode request(ReasoningRequest request, AuditRedactor redactor) {
        ObjectNode o = F.objectNode();
        ArrayNode messages = o.putArray("messages");
        for (ChatMessage m : request.messages()) {
            messages.addObject().put("role", m.role().name().toLowerCase(java.util.Locale.ROOT))
                    .put("content", redactor.redact(Part.PROMPT, m.content()));
        }
        o.set("thinkingBudget", budget(request.thinkingBudget()));
        o.put("answerMaxTokens", request.answerMaxTokens());
        if (request.answerFormat() instanceof AnswerFormat.Json j) {
            o.set("answerSchema", j.schema());
        } else {
            o.put("answerFormat", "text");
        }
        o.set("sampling", sampling(request.sampling()));
        ArrayNode stop = o.putArray("stop");
        request.stop().forEach(stop::add);
        o.put("answerRetries", request.answerRetries());
        return o;
    }

    /** Sampling parameters, with the seed ({@code null} when none was fixed). */
    public static ObjectNode sampling(Sampling sampling) {
        ObjectNode s = F.objectNode();
        s.put("temperature", sampling.temperature());
        s.put("topP", sampling.topP());
        s.put("topK", sampling.topK());
        if (sampling.seed().isPresent()) {
            s.put("seed", sampling.seed().getAsLong());
        } else {
            s.putNull("seed");
        }
        return s;
    }

    /** A thinking budget: {@code maxTokens} (a number or {@code "unlimited"}) and the deadline, if any. */
    public static ObjectNode budget(ThinkingBudget b) {
        ObjectNode budget = F.objectNode();
        if (b.isTokenBounded()) {
            budget.put("maxTokens", b.maxTokens());
        } else {
            budget.put("maxTokens", "unlimited");
        }
        b.deadline().ifPresent(d -> budget.put("deadline", d.toString()));
        return budget;
    }

    /**
     * A model's provenance: backend, locator, file and SHA-256 (local) or endpoint and model id (remote), and the
     * LoRA adapters applied (file, SHA-256, scale) when there are any.
     */
    public static ObjectNode model(ModelInfo m) {
        ObjectNode o = F.objectNode();
        o.put("backend", m.backend());
        o.put("locator", m.locator());
        m.file().ifPresent(f -> o.put("file", f.toString()));
        m.sha256().ifPresent(h -> o.put("sha256", h));
        o.put("modelId", m.modelId());
        o.put("architecture", m.architecture());
        o.put("quantization", m.quantization());
        m.parameterCount().ifPresent(n -> o.put("parameterCount", n));
        o.put("contextLength", m.contextLength());
        if (!m.adapters().isEmpty()) {
            com.fasterxml.jackson.databind.node.ArrayNode adapters = o.putArray("adapters");
            for (ModelInfo.Adapter a : m.adapters()) {
                adapters.addObject().put("file", a.file().toString()).put("sha256", a.sha256())
                        .put("scale", a.scale());
            }
        }
        return o;
    }

    /** Token counts. */
    public static ObjectNode usage(Usage u) {
        ObjectNode o = F.objectNode();
        o.put("promptTokens", u.promptTokens());
        o.put("thinkingTokens", u.thinkingTokens());
        o.put("answerTokens", u.answerTokens());
        return o;
    }

    /** Timings of one call. */
    public static ObjectNode timings(Timings t) {
        ObjectNode o = F.objectNode();
        o.put("timeToFirstTokenMs", ms(t.timeToFirstToken()));
        o.put("thinkingMs", ms(t.thinking()));
        o.put("totalMs", ms(t.total()));
        o.put("decodeTokensPerSecond", t.decodeTokensPerSecond());
        return o;
    }

    /** One call's result: thinking, answer, answerJson, finish, usage, timings, model, startedAt. */
    public static ObjectNode reasoning(Reasoning r, AuditRedactor redactor) {
        ObjectNode o = F.objectNode();
        o.put("thinking", redactor.redact(Part.THINKING, r.thinking()));
        o.put("answer", redactor.redact(Part.ANSWER, r.answer()));
        r.answerJson().ifPresent(j -> o.set("answerJson", redactJson(j, redactor)));
        o.put("finish", r.finish().name());
        o.set("usage", usage(r.usage()));
        o.set("timings", timings(r.timings()));
        o.set("model", model(r.model()));
        o.put("startedAt", r.startedAt().toString());
        return o;
    }

    /** A member's outcome: name, model, status, thinking, answer, answerJson, error, finish, usage, elapsed. */
    public static ObjectNode member(MemberOutcome m, AuditRedactor redactor) {
        ObjectNode o = F.objectNode();
        o.put("name", m.member());
        o.put("stage", m.stage().name());
        o.set("model", model(m.model()));
        o.put("status", m.status().name());
        o.set("sampling", sampling(m.sampling()));
        o.set("thinkingBudget", budget(m.thinkingBudget()));
        if (m.reasoning().isPresent()) {
            Reasoning r = m.reasoning().get();
            o.put("thinking", redactor.redact(Part.THINKING, r.thinking()));
            o.put("answer", redactor.redact(Part.ANSWER, r.answer()));
            o.set("answerJson", r.answerJson().map(j -> redactJson(j, redactor)).orElse(F.nullNode()));
            o.putNull("error");
            o.put("finish", r.finish().name());
            o.set("usage", usage(r.usage()));
            o.set("timings", timings(r.timings()));
            o.put("startedAt", r.startedAt().toString());
        } else {
            o.putNull("thinking");
            o.putNull("answer");
            o.putNull("answerJson");
            o.put("error", redactor.redact(Part.CRITIQUE, m.error().orElse("")));
        }
        o.put("elapsedMs", ms(m.elapsed()));
        return o;
    }

    /**
     * A council's result: {@code members[]}, {@code reviews[]}, {@code reviewErrors[]}, {@code agreement},
     * {@code fieldAgreement[]}, {@code reviewAgreement}, {@code threshold}, {@code disagreement}, {@code consensus},
     * {@code chair}, {@code finalAnswer}, {@code usage}, {@code timings}, {@code startedAt}.
     */
    public static ObjectNode council(CouncilResult r, AuditRedactor redactor) {
        ObjectNode o = F.objectNode();
        ArrayNode members = o.putArray("members");
        r.members().forEach(m -> members.add(member(m, redactor)));
        ArrayNode reviews = o.putArray("reviews");
        for (Review v : r.reviews()) {
            reviews.addObject().put("reviewer", v.reviewer()).put("subject", v.subject()).put("agrees", v.agrees())
                    .put("critique", redactor.redact(Part.CRITIQUE, v.critique()));
        }
        ArrayNode reviewErrors = o.putArray("reviewErrors");
        for (MemberOutcome m : r.reviewCalls()) {
            if (!m.answered()) {
                reviewErrors.addObject().put("reviewer", m.member()).put("status", m.status().name())
                        .put("error", redactor.redact(Part.CRITIQUE, m.error().orElse("")));
            }
        }
        o.put("agreement", r.agreement());
        ArrayNode fields = o.putArray("fieldAgreement");
        for (FieldAgreement f : r.fieldAgreement()) {
            fields.addObject().put("path", f.path()).put("kind", f.kind().name()).put("agreement", f.agreement())
                    .put("answered", f.answered()).put("answers", f.answers());
        }
        if (r.reviewAgreement().isPresent()) {
            o.put("reviewAgreement", r.reviewAgreement().getAsDouble());
        } else {
            o.putNull("reviewAgreement");
        }
        o.put("threshold", r.threshold());
        o.put("disagreement", r.disagreement());
        o.set("consensus", r.consensus().map(c -> redactJson(c, redactor)).orElse(F.nullNode()));
        o.set("chair", r.chair().map(c -> (JsonNode) member(c, redactor)).orElse(F.nullNode()));
        o.set("finalAnswer", r.finalAnswer().map(c -> redactJson(c, redactor)).orElse(F.nullNode()));
        o.set("usage", usage(r.usage()));
        ObjectNode t = o.putObject("timings");
        t.put("answersMs", ms(r.timings().answers()));
        t.put("reviewsMs", ms(r.timings().reviews()));
        t.put("aggregationMs", ms(r.timings().aggregation()));
        t.put("chairMs", ms(r.timings().chair()));
        t.put("totalMs", ms(r.timings().total()));
        o.put("startedAt", r.startedAt().toString());
        return o;
    }

    /**
     * A cascade's result: {@code path[]} (each step's name, tier, status, reason, usage, elapsed and its result),
     * {@code answer}, {@code answerJson}, {@code decidedBy}, {@code resolved}, {@code novel}, {@code usage},
     * {@code totalMs}, {@code startedAt}.
     */
    public static ObjectNode cascade(CascadeResult r, AuditRedactor redactor) {
        ObjectNode o = F.objectNode();
        ArrayNode path = o.putArray("path");
        for (StepResult s : r.path()) {
            ObjectNode step = path.addObject();
            step.put("step", s.step());
            step.put("tier", s.tier().name());
            step.put("status", s.status().name());
            step.set("reason", s.reason().map(x -> (JsonNode) TextNode.valueOf(redactor.redact(Part.CRITIQUE, x)))
                    .orElse(F.nullNode()));
            step.set("usage", usage(s.usage()));
            step.put("elapsedMs", ms(s.elapsed()));
            s.reasoning().ifPresent(x -> step.set("reasoning", reasoning(x, redactor)));
            s.council().ifPresent(x -> step.set("council", council(x, redactor)));
        }
        o.set("answer", r.answer().map(a -> (JsonNode) TextNode.valueOf(redactor.redact(Part.ANSWER, a)))
                .orElse(F.nullNode()));
        o.set("answerJson", r.answerJson().map(j -> redactJson(j, redactor)).orElse(F.nullNode()));
        o.set("decidedBy", r.decidedBy().map(d -> (JsonNode) TextNode.valueOf(d)).orElse(F.nullNode()));
        o.put("resolved", r.resolved());
        o.put("novel", r.novel());
        o.set("usage", usage(r.usage()));
        o.put("totalMs", ms(r.total()));
        o.put("startedAt", r.startedAt().toString());
        return o;
    }

    /** A copy of {@code json} with every string value passed through the redactor (keys and other values kept). */
    public static JsonNode redactJson(JsonNode json, AuditRedactor redactor) {
        Objects.requireNonNull(json, "json");
        if (json.isTextual()) {
            return TextNode.valueOf(redactor.redact(Part.ANSWER, json.asText()));
        }
        if (json.isArray()) {
            ArrayNode out = F.arrayNode();
            json.forEach(item -> out.add(redactJson(item, redactor)));
            return out;
        }
        if (json.isObject()) {
            ObjectNode out = F.objectNode();
            Iterator<Map.Entry<String, JsonNode>> it = json.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                out.set(e.getKey(), redactJson(e.getValue(), redactor));
            }
            return out;
        }
        return json.deepCopy();
    }

    static double ms(Duration d) {
        return d.toNanos() / 1e6;
    }
}
