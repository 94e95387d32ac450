package dev.deliberate.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.core.AnswerFormat;
import dev.deliberate.core.ChatMessage;
import dev.deliberate.core.InvalidRequestException;
import dev.deliberate.core.InvalidSchemaException;
import dev.deliberate.core.ReasoningRequest;
import dev.deliberate.core.Sampling;
import dev.deliberate.core.ThinkingBudget;
import dev.deliberate.core.profile.DomainProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One {@code POST /v1/chat/completions} body, mapped onto the SDK's request. Fields the SDK cannot honour (tools,
 * several choices, log-probabilities, non-text content) are refused with 400 rather than silently ignored; fields
 * that only tune what the server does not do (penalties, {@code user}, {@code metadata}) are ignored.
 *
 * @param request      the reasoning request
 * @param stream       whether the client asked for server-sent events
 * @param includeUsage whether a streamed response ends with a usage chunk ({@code stream_options.include_usage})
 */
record ChatRequest(ReasoningRequest request, boolean stream, boolean includeUsage) {

    /** Most stop strings. */
    static final int MAX_STOPS = 16;
    /** Longest stop string, in characters. */
    static final int MAX_STOP_LENGTH = 256;

    /** Whether the answer is a JSON value under a schema. */
    boolean schemaAnswer() {
        return request.answerFormat() instanceof AnswerFormat.Json;
    }

    /**
     * Maps a parsed body.
     *
     * @param body    the JSON body
     * @param modelId the id this server serves
     * @param efforts budgets behind {@code reasoning_effort}
     * @throws ApiException 400 for a bad field, 404 for another model
     */
    static ChatRequest parse(JsonNode body, String modelId, ReasoningEfforts efforts) {
        return parse(body, modelId, efforts, Optional.empty());
    }

    /**
     * Maps a parsed body under a domain profile (see {@link ServerConfig#profile()}).
     *
     * @param profile the profile whose prompt, schema and budgets apply where the client sends none
     * @throws ApiException 400 for a bad field, 404 for another model
     */
    static ChatRequest parse(JsonNode body, String modelId, ReasoningEfforts efforts,
            Optional<DomainProfile> profile) {
        if (!body.isObject()) {
            throw ApiException.badRequest(null, "the request body must be a JSON object");
        }
        JsonNode model = body.get("model");
        if (model == null || !model.isTextual() || model.asText().isEmpty()) {
            throw ApiException.badRequest("model", "you must provide a model parameter (this server serves '"
                    + modelId + "')");
        }
        if (!model.asText().equals(modelId)) {
            throw new ApiException(404, "invalid_request_error", "model_not_found", "model",
                    "The model '" + clip(model.asText()) + "' does not exist; this server serves '" + modelId + "'");
        }
        refuseUnsupported(body);
        ReasoningRequest.Builder b = ReasoningRequest.builder();
        profile.ifPresent(p -> b.message(ChatMessage.system(p.fullSystemPrompt())));
        messages(body.get("messages")).forEach(b::message);

        JsonNode max = body.has("max_completion_tokens") ? body.get("max_completion_tokens") : body.get("max_tokens");
        String maxName = body.has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        if (isSet(max)) {
            b.answerMaxTokens(positiveInt(max, maxName, 1));
        } else {
            profile.ifPresent(p -> b.answerMaxTokens(p.defaults().answerMaxTokens()));
        }
        ThinkingBudget budget = thinking(body, efforts);
        if (profile.isPresent()) {
            DomainProfile.Defaults d = profile.get().defaults();
            if (!isSet(body.get("thinking_budget")) && !isSet(body.get("reasoning_effort"))
                    && d.thinkingBudget().isPresent()) {
                budget = ThinkingBudget.tokens(d.thinkingBudget().getAsInt());
            }
            if (d.deadline().isPresent()) {
                budget = budget.within(d.deadline().get());
            }
        }
        b.thinkingBudget(budget);
        b.sampling(sampling(body));
        stops(body.get("stop")).forEach(b::stop);
        JsonNode responseFormat = body.get("response_format");
        b.answerFormat(!isSet(responseFormat) && profile.isPresent() ? profile.get().answerFormat()
                : format(responseFormat));

        boolean stream = bool(body.get("stream"), "stream");
        boolean includeUsage = false;
        JsonNode options = body.get("stream_options");
        if (isSet(options)) {
            if (!options.isObject()) {
                throw ApiException.badRequest("stream_options", "stream_options must be an object");
            }
            includeUsage = bool(options.get("include_usage"), "stream_options.include_usage");
        }
        try {
            return new ChatRequest(b.build(), stream, includeUsage);
        } catch (InvalidRequestException e) {
            throw ApiException.badRequest(null, e.getMessage());
        }
    }

    private static void refuseUnsupported(JsonNode body) {
        JsonNode n = body.get("n");
        if (isSet(n) && !(n.canConvertToInt() && n.isIntegralNumber() && n.asInt() == 1)) {
            throw ApiException.badRequest("n", "only n = 1 is supported");
        }
        for (String field : List.of("tools", "functions")) {
            JsonNode t = body.get(field);
            if (isSet(t) && !(t.isArray() && t.isEmpty())) {
                throw ApiException.badRequest(field, field + " (function calling) are not supported by this server");
            }
        }
        JsonNode logprobs = body.get("logprobs");
        if (isSet(logprobs) && logprobs.asBoolean(false)) {
            throw ApiException.badRequest("logprobs", "logprobs are not supported by this server");
        }
    }

    private static List<ChatMessage> messages(JsonNode messages) {
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw ApiException.badRequest("messages", "messages must be a non-empty array");
        }
        List<ChatMessage> out = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String where = "messages[" + i + "]";
            if (!m.isObject()) {
                throw ApiException.badRequest(where, where + " must be an object");
            }
            JsonNode role = m.get("role");
            if (role == null || !role.isTextual()) {
                throw ApiException.badRequest(where + ".role", where + ".role must be a string");
            }
            ChatMessage.Role r = switch (role.asText()) {
                case "system", "developer" -> ChatMessage.Role.SYSTEM;
                case "user" -> ChatMessage.Role.USER;
                case "assistant" -> ChatMessage.Role.ASSISTANT;
                default -> throw ApiException.badRequest(where + ".role", "role '" + clip(role.asText())
                        + "' is not supported (system, developer, user and assistant are; tools are not)");
            };
            if (r == ChatMessage.Role.ASSISTANT && isSet(m.get("tool_calls")) && !m.get("tool_calls").isEmpty()) {
                throw ApiException.badRequest(where + ".tool_calls", "tool calls are not supported by this server");
            }
            out.add(new ChatMessage(r, content(m.get("content"), where + ".content", r)));
        }
        return out;
    }

    private static String content(JsonNode content, String where, ChatMessage.Role role) {
        if (content == null || content.isNull()) {
            if (role == ChatMessage.Role.ASSISTANT) {
                return "";
            }
            throw ApiException.badRequest(where, where + " is required");
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (!content.isArray()) {
            throw ApiException.badRequest(where, where + " must be a string or an array of text parts");
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            JsonNode type = part.get("type");
            if (!part.isObject() || type == null || !"text".equals(type.asText()) || !part.path("text").isTextual()) {
                throw ApiException.badRequest(where, "only text content parts are supported ({\"type\":\"text\","
                        + "\"text\":...})");
            }
            text.append(part.get("text").asText());
        }
        return text.toString();
    }

    private static ThinkingBudget thinking(JsonNode body, ReasoningEfforts efforts) {
        JsonNode budget = body.get("thinking_budget");
        if (isSet(budget)) {
            return ThinkingBudget.tokens(positiveInt(budget, "thinking_budget", 0));
        }
        JsonNode effort = body.get("reasoning_effort");
        if (isSet(effort)) {
            OptionalInt tokens = effort.isTextual() ? efforts.budgetFor(effort.asText()) : OptionalInt.empty();
            if (tokens.isEmpty()) {
                throw ApiException.badRequest("reasoning_effort", "reasoning_effort must be one of none, minimal, low,"
                        + " medium, high");
            }
            return ThinkingBudget.tokens(tokens.getAsInt());
        }
        return ThinkingBudget.tokens(efforts.medium());
    }

    private static Sampling sampling(JsonNode body) {
        Sampling s = Sampling.defaults();
        JsonNode t = body.get("temperature");
        if (isSet(t)) {
            try {
                s = s.withTemperature(number(t, "temperature"));
            } catch (InvalidRequestException e) {
                throw ApiException.badRequest("temperature", e.getMessage());
            }
        }
        JsonNode p = body.get("top_p");
        if (isSet(p)) {
            try {
                s = new Sampling(s.temperature(), number(p, "top_p"), s.topK(), s.seed());
            } catch (InvalidRequestException e) {
                throw ApiException.badRequest("top_p", e.getMessage());
            }
        }
        JsonNode seed = body.get("seed");
        if (isSet(seed)) {
            if (!seed.isIntegralNumber() || !seed.canConvertToLong()) {
                throw ApiException.badRequest("seed", "seed must be an integer");
            }
            s = s.withSeed(seed.asLong());
        }
        return s;
    }

    private static List<String> stops(JsonNode stop) {
        if (!isSet(stop)) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (stop.isTextual()) {
            out.add(stop.asText());
        } else if (stop.isArray()) {
            for (JsonNode s : stop) {
                if (!s.isTextual()) {
                    throw ApiException.badRequest("stop", "stop must be a string or an array of strings");
                }
                out.add(s.asText());
            }
        } else {
            throw ApiException.badRequest("stop", "stop must be a string or an array of strings");
        }
        if (out.size() > MAX_STOPS) {
            throw ApiException.badRequest("stop", "at most " + MAX_STOPS + " stop strings are supported");
        }
        for (String s : out) {
            if (s.isEmpty() || s.length() > MAX_STOP_LENGTH) {
                throw ApiException.badRequest("stop", "stop strings must have 1 to " + MAX_STOP_LENGTH + " characters");
            }
        }
        return out;
    }

    private static AnswerFormat format(JsonNode format) {
        if (!isSet(format)) {
            return AnswerFormat.text();
        }
        JsonNode type = format.get("type");
        if (!format.isObject() || type == null || !type.isTextual()) {
            throw ApiException.badRequest("response_format", "response_format must be an object with a type");
        }
        switch (type.asText()) {
            case "text":
                return AnswerFormat.text();
            case "json_object":
                return AnswerFormat.jsonSchema(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                        .objectNode().put("type", "object"));
            case "json_schema":
                JsonNode spec = format.get("json_schema");
                if (spec == null || !spec.isObject() || !spec.path("schema").isObject()) {
                    throw ApiException.badRequest("response_format.json_schema.schema",
                            "response_format.json_schema.schema must be a JSON Schema object");
                }
                try {
                    return AnswerFormat.jsonSchema(spec.get("schema"));
                } catch (InvalidSchemaException e) {
                    throw ApiException.badRequest("response_format.json_schema.schema", "invalid_schema",
                            "invalid JSON Schema: " + e.getMessage());
                }
            default:
                throw ApiException.badRequest("response_format.type", "response_format.type must be text, json_object"
                        + " or json_schema, got '" + clip(type.asText()) + "'");
        }
    }

    private static boolean isSet(JsonNode n) {
        return n != null && !n.isNull();
    }

    private static boolean bool(JsonNode n, String name) {
        if (!isSet(n)) {
            return false;
        }
        if (!n.isBoolean()) {
            throw ApiException.badRequest(name, name + " must be true or false");
        }
        return n.asBoolean();
    }

    private static int positiveInt(JsonNode n, String name, int min) {
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < min) {
            throw ApiException.badRequest(name, name + " must be an integer >= " + min);
        }
        return n.asInt();
    }

    private static double number(JsonNode n, String name) {
        if (!n.isNumber()) {
            throw ApiException.badRequest(name, name + " must be a number");
        }
        return n.asDouble();
    }

    /** A client's text quoted in an error, bounded. */
    static String clip(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }
}
