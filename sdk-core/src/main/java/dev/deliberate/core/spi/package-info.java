/**
 * Service provider interface for reasoning backends. A backend is found through {@link java.util.ServiceLoader}: it
 * lists its {@link dev.deliberate.core.spi.BackendProvider} in
 * {@code META-INF/services/dev.deliberate.core.spi.BackendProvider}, and
 * {@link dev.deliberate.core.ReasoningModels#open(dev.deliberate.core.ModelLocator)} picks it by locator.
 *
 * <p>A backend implements only raw generation, in one of two shapes of the sealed
 * {@link dev.deliberate.core.spi.ModelBackend}: {@link dev.deliberate.core.spi.TextGenerator} (raw prompt text in,
 * pieces out: llama.cpp) or {@link dev.deliberate.core.spi.ChatGenerator} (messages in, reasoning and content pieces
 * out, an {@link dev.deliberate.core.spi.AssistantPrefix} to continue from when the SDK closes the thinking:
 * OpenAI-compatible servers). Everything that makes a reasoning call (splitting {@code <think>}, thinking budgets and
 * deadlines, schema answers, validation, retries, usage, timings, cancellation, serialisation of calls) lives once in
 * core, on top of either shape.
 *
 * <p><b>Why generator interfaces and not a {@code ReasoningModel} per backend:</b> cross-cutting rules must not be
 * copied into every backend (the most reported reasoning bugs come from such copies). The shape is a compile-time
 * capability (a sealed type), not a runtime "not supported".
 *
 * <p>Everything in this package is public for backend authors; application code uses {@code dev.deliberate.core}.
 */
package dev.deliberate.core.spi;
