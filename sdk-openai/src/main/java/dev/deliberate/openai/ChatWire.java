package dev.deliberate.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deliberate.core.ChatMessage;
import dev.deliberate.core.spi.AssistantPrefix;
import dev.deliberate.core.spi.ChatRequest;
import dev.deliberate.core.spi.ChatSink;
import dev.deliberate.core.spi.StopReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * The OpenAI chat completions wire format, both ways: the request body, and the chunks or message that come back.
 * Reasoning is read from every field servers use: {@code reasoning_content} (DeepSeek API, llama.cpp server, SGLang,
 * older vLLM), {@code reasoning} (current vLLM, OpenRouter-style); content may hold inline {@code <think>}, which core
 * parses.
 */
final class ChatWire {

    static final ObjectMapper JSON = new ObjectMapper();

    private ChatWire() {}

    /** The request body, without {@code model} (set per endpoint). */
    static ObjectNode body(ChatRequest request, boolean streaming, boolean structuredOutput) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode messages = body.putArray("messages");
        for (ChatMessage m : request.messages()) {
            messages.addObject().put("role", m.role().name().toLowerCase(Locale.ROOT)).put("content", m.content());
        }
        if (request.prefix().isPresent()) {
            AssistantPrefix p = request.prefix().get();
            // continue this assistant message instead of starting a new turn: vLLM and SGLang read
            // continue_final_message/add_generation_prompt, DeepSeek reads the message's prefix flag, llama.cpp
            // server and deliberate serve continue a final assistant message
            messages.addObject().put("role", "assistant").put("content", p.asText()).put("prefix", true);
            body.put("continue_final_message", true);
            body.put("add_generation_prompt", false);
            if (p.thinkingClosed()) {
                // deliberate serve's extension: a server that cannot continue the message still answers at once
                body.put("thinking_budget", 0);
            }
        }
        if (request.maxTokens() < Integer.MAX_VALUE) {
            body.put("max_tokens", request.maxTokens());
        }
        body.put("temperature", request.sampling().temperature());
        body.put("top_p", request.sampling().topP());
        if (request.sampling().topK() > 0) {
            body.put("top_k", request.sampling().topK());
        }
        request.sampling().seed().ifPresent(s -> body.put("seed", s));
        if (!request.stop().isEmpty()) {
            ArrayNode stop = body.putArray("stop");
            request.stop().forEach(stop::add);
        }
        if (request.jsonSchema().isPresent() && structuredOutput) {
            ObjectNode format = body.putObject("response_format");
            format.put("type", "json_schema");
            ObjectNode schema = format.putObject("json_schema");
            schema.put("name", "answer");
            schema.put("strict", true);
            schema.set("schema", request.jsonSchema().get());
        }
        body.put("stream", streaming);
        if (streaming) {
            body.putObject("stream_options").put("include_usage", true);
        }
        return body;
    }

    /** One piece of a message. */
    record Piece(ChatSink.Channel channel, String text) { }

    /** What one chunk (or a whole message) says. */
    static final class Parsed {
        final List<Piece> pieces = new ArrayList<>();
        String finishReason;
        OptionalInt promptTokens = OptionalInt.empty();
        OptionalInt completionTokens = OptionalInt.empty();
        OptionalInt reasoningTokens = OptionalInt.empty();
        String error;
    }

    /** Reads a streamed chunk ({@code delta}) or a blocking response ({@code message}). */
    static Parsed parse(JsonNode n, boolean streamed) {
        Parsed out = new Parsed();
        if (!n.isObject()) {
            out.error = "not a JSON object";
            return out;
        }
        JsonNode error = n.get("error");
        if (error != null && !error.isNull()) {
            JsonNode m = error.path("message");
            out.error = m.isTextual() ? m.asText() : error.toString();
            return out;
        }
        JsonNode choices = n.path("choices");
        if (choices.isArray() && choices.size() > 0) {
            JsonNode c = choices.get(0);
            JsonNode delta = c.path(streamed ? "delta" : "message");
            String reasoning = text(delta, "reasoning_content");
            if (reasoning.isEmpty()) {
                reasoning = text(delta, "reasoning");
            }
            if (!reasoning.isEmpty()) {
                out.pieces.add(new Piece(ChatSink.Channel.REASONING, reasoning));
            }
            String content = text(delta, "content");
            if (!content.isEmpty()) {
                out.pieces.add(new Piece(ChatSink.Channel.CONTENT, content));
            }
            JsonNode f = c.get("finish_reason");
            if (f != null && f.isTextual()) {
                out.finishReason = f.asText();
            }
        }
        JsonNode usage = n.get("usage");
        if (usage != null && usage.isObject()) {
            out.promptTokens = count(usage.get("prompt_tokens"));
            out.completionTokens = count(usage.get("completion_tokens"));
            out.reasoningTokens = count(usage.path("completion_tokens_details").get("reasoning_tokens"));
        }
        return out;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() ? v.asText() : "";
    }

    private static OptionalInt count(JsonNode v) {
        return v != null && v.canConvertToInt() && v.asInt() >= 0 ? OptionalInt.of(v.asInt()) : OptionalInt.empty();
    }

    /** The stop reason a {@code finish_reason} means. */
    static StopReason stopReason(String finishReason) {
        if (finishReason == null) {
            return StopReason.END_OF_TEXT;
        }
        return switch (finishReason) {
            case "length", "max_tokens" -> StopReason.MAX_TOKENS;
            default -> StopReason.END_OF_TEXT; // stop, eos, content_filter, tool_calls
        };
    }
}
