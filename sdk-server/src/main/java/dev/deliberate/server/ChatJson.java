package dev.deliberate.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deliberate.core.FinishReason;
import dev.deliberate.core.Reasoning;
import dev.deliberate.core.Usage;
import java.util.Locale;

/**
 * The JSON the server writes, in the shapes of OpenAI's chat-completions API. Thinking goes only to
 * {@code reasoning_content} (the field DeepSeek's API, llama.cpp's server and SGLang use), never into {@code content}.
 * One extension, {@code deliberate.finish}, says why the SDK ended the call (e.g. {@code thinking_budget}); clients
 * that do not know it ignore it.
 */
final class ChatJson {

    private final ObjectMapper mapper;
    private final String id;
    private final long created;
    private final String model;
    private final String fingerprint;

    /**
     * @param mapper      the server's mapper
     * @param id          the completion id ({@code chatcmpl-...}), the same in every chunk of a stream
     * @param created     Unix seconds
     * @param model       the served model id
     * @param fingerprint {@code system_fingerprint}: identifies the model file (a prefix of its SHA-256) when known
     */
    ChatJson(ObjectMapper mapper, String id, long created, String model, String fingerprint) {
        this.mapper = mapper;
        this.id = id;
        this.created = created;
        this.model = model;
        this.fingerprint = fingerprint;
    }

    /** A whole (non-streamed) completion. */
    ObjectNode completion(Reasoning r) {
        ObjectNode root = head("chat.completion");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", r.answer());
        if (!r.thinking().isEmpty()) {
            message.put("reasoning_content", r.thinking());
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(r.finish()));
        root.set("usage", usage(r.usage()));
        root.putObject("deliberate").put("finish", r.finish().name().toLowerCase(Locale.ROOT));
        return root;
    }

    /** The first chunk of a stream: the role. */
    ObjectNode roleChunk() {
        ObjectNode root = head("chat.completion.chunk");
        ObjectNode choice = choice(root);
        choice.putObject("delta").put("role", "assistant").put("content", "");
        choice.putNull("finish_reason");
        return root;
    }

    /** A chunk of thinking ({@code reasoning_content}) or of answer ({@code content}). */
    ObjectNode deltaChunk(String text, boolean thinking) {
        ObjectNode root = head("chat.completion.chunk");
        ObjectNode choice = choice(root);
        choice.putObject("delta").put(thinking ? "reasoning_content" : "content", text);
        choice.putNull("finish_reason");
        return root;
    }

    /** The chunk that ends the choice. */
    ObjectNode finishChunk(Reasoning r) {
        ObjectNode root = head("chat.completion.chunk");
        ObjectNode choice = choice(root);
        choice.putObject("delta");
        choice.put("finish_reason", finishReason(r.finish()));
        root.putObject("deliberate").put("finish", r.finish().name().toLowerCase(Locale.ROOT));
        return root;
    }

    /** The usage chunk of {@code stream_options.include_usage}: no choices. */
    ObjectNode usageChunk(Reasoning r) {
        ObjectNode root = head("chat.completion.chunk");
        root.putArray("choices");
        root.set("usage", usage(r.usage()));
        return root;
    }

    private ObjectNode head(String object) {
        ObjectNode root = mapper.createObjectNode();
        root.put("id", id);
        root.put("object", object);
        root.put("created", created);
        root.put("model", model);
        root.put("system_fingerprint", fingerprint);
        return root;
    }

    private static ObjectNode choice(ObjectNode root) {
        ArrayNode choices = root.putArray("choices");
        ObjectNode choice = choices.addObject();
        choice.put("index", 0);
        return choice;
    }

    private ObjectNode usage(Usage u) {
        ObjectNode usage = mapper.createObjectNode();
        usage.put("prompt_tokens", u.promptTokens());
        usage.put("completion_tokens", u.generatedTokens());
        usage.put("total_tokens", u.promptTokens() + u.generatedTokens());
        usage.putObject("completion_tokens_details").put("reasoning_tokens", u.thinkingTokens());
        return usage;
    }

    /**
     * OpenAI's finish reasons: {@code length} when the answer hit its bound, else {@code stop} (thinking cut by the
     * budget or the deadline still ends in a complete answer; {@code deliberate.finish} tells which).
     */
    static String finishReason(FinishReason finish) {
        return finish == FinishReason.LENGTH ? "length" : "stop";
    }

    /** OpenAI's error body. */
    static ObjectNode error(ObjectMapper mapper, ApiException e) {
        ObjectNode root = mapper.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", e.getMessage());
        error.put("type", e.type);
        if (e.param.isPresent()) {
            error.put("param", e.param.get());
        } else {
            error.putNull("param");
        }
        if (e.code.isPresent()) {
            error.put("code", e.code.get());
        } else {
            error.putNull("code");
        }
        return root;
    }
}
