/**
 * The OpenAI-compatible remote backend: reasoning models behind the chat completions API (DeepSeek API, vLLM, SGLang,
 * Ollama, llama.cpp server, {@code deliberate serve}), singly or as a fleet, with the same guarantees as local
 * models. Open with {@code ReasoningModels.open(ModelLocator.parse("http://host:8000/v1#model"), options)}; configure
 * with {@link dev.deliberate.openai.RemoteOptions}. Nothing public returns null.
 */
package dev.deliberate.openai;
