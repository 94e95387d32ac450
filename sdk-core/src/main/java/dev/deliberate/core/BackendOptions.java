package dev.deliberate.core;

/**
 * Options one backend understands, carried in {@link ModelOptions} and read by that backend only: the typed escape
 * hatch for settings that are not shared by every backend (threads and GPU layers of a local runtime; keys, timeouts
 * and retries of a remote one). Each backend module defines its own immutable implementation, e.g.
 * {@code dev.deliberate.llama.LlamaOptions} or {@code dev.deliberate.openai.RemoteOptions}; a backend ignores the
 * options of other backends.
 */
public interface BackendOptions {
}
