/**
 * {@code deliberate serve}: any {@link dev.deliberate.core.ReasoningModel} over the OpenAI chat-completions API.
 * Start with {@link dev.deliberate.server.OpenAiServer}; {@link dev.deliberate.server.ModelPool} gives it parallel
 * model instances; {@link dev.deliberate.server.ServerConfig} sets the address, key and limits. The wire format is
 * described in {@code docs/serve.md}. Nothing in this package returns null.
 */
package dev.deliberate.server;
