package dev.deliberate.robotics.rosbridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deliberate.robotics.InvalidGoalException;
import dev.deliberate.robotics.reason.ReasonFeedback;
import dev.deliberate.robotics.reason.ReasonGoal;
import dev.deliberate.robotics.reason.ReasonResult;
import dev.deliberate.robotics.reason.RosDuration;

/**
 * The rosbridge JSON of {@code deliberate_msgs/action/Reason}. Missing goal fields take their ROS defaults (empty
 * string, zero duration), as rosbridge fills them; fields of the wrong JSON type are rejected.
 */
public final class ReasonActionCodec implements RosActionCodec<ReasonGoal, ReasonFeedback, ReasonResult> {

    /** The only instance. */
    public static final ReasonActionCodec INSTANCE = new ReasonActionCodec();

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ReasonActionCodec() {}

    @Override
    public String actionType() {
        return ReasonGoal.ACTION_TYPE;
    }

    @Override
    public ReasonGoal decodeGoal(JsonNode args) {
        if (args == null || args.isNull() || args.isMissingNode()) {
            return new ReasonGoal("", "", RosDuration.ZERO);
        }
        if (!args.isObject()) {
            throw new InvalidGoalException("goal args must be an object, got " + args.getNodeType());
        }
        return new ReasonGoal(string(args, "task"), string(args, "context_json"), duration(args.get("deadline")));
    }

    private static String string(JsonNode args, String field) {
        JsonNode v = args.get(field);
        if (v == null || v.isNull()) {
            return "";
        }
        if (!v.isTextual()) {
            throw new InvalidGoalException("goal field '" + field + "' must be a string, got " + v.getNodeType());
        }
        return v.textValue();
    }

    private static RosDuration duration(JsonNode d) {
        if (d == null || d.isNull()) {
            return RosDuration.ZERO;
        }
        if (!d.isObject()) {
            throw new InvalidGoalException("goal field 'deadline' must be a builtin_interfaces/Duration object");
        }
        long sec = integer(d, "sec", Integer.MIN_VALUE, Integer.MAX_VALUE);
        long nanosec = integer(d, "nanosec", 0, 999_999_999L);
        return new RosDuration((int) sec, nanosec);
    }

    private static long integer(JsonNode d, String field, long min, long max) {
        JsonNode v = d.get(field);
        if (v == null || v.isNull()) {
            return 0;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < min || v.longValue() > max) {
            throw new InvalidGoalException("deadline." + field + " must be an integer in [" + min + ", " + max
                    + "], got " + v);
        }
        return v.longValue();
    }

    @Override
    public ObjectNode encodeFeedback(ReasonFeedback feedback) {
        ObjectNode o = NODES.objectNode();
        o.put("phase", feedback.phase());
        o.put("thinking_excerpt", feedback.thinkingExcerpt());
        o.put("thinking_tokens", feedback.thinkingTokens());
        return o;
    }

    @Override
    public ObjectNode encodeResult(ReasonResult result) {
        ObjectNode o = NODES.objectNode();
        o.put("decision_json", result.decisionJson());
        o.put("rationale", result.rationale());
        o.put("fallback_used", result.fallbackUsed());
        o.put("finish", result.finish());
        o.put("path", result.path());
        o.put("path_reason", result.pathReason());
        o.put("model", result.model());
        o.put("thinking_tokens_planned", result.thinkingTokensPlanned());
        o.put("thinking_tokens_used", result.thinkingTokensUsed());
        return o;
    }

    @Override
    public ReasonResult emptyResult() {
        return new ReasonResult("", "", false, "");
    }

    /**
     * A goal as rosbridge JSON (for clients and tests).
     */
    public ObjectNode encodeGoal(ReasonGoal goal) {
        ObjectNode o = NODES.objectNode();
        o.put("task", goal.task());
        o.put("context_json", goal.contextJson());
        ObjectNode d = o.putObject("deadline");
        d.put("sec", goal.deadline().sec());
        d.put("nanosec", goal.deadline().nanosec());
        return o;
    }
}
