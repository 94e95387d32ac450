/**
 * Service provider interface for reasoning backends. A backend is found through {@link java.util.ServiceLoader}: it
 * lists its {@link dev.deliberate.core.spi.BackendProvider} in
 * {@code META-INF/services/dev.deliberate.core.spi.BackendProvider}, and
 * {@link dev.deliberate.core.ReasoningModels#open(dev.deliberate.core.ModelLocator)} picks it by locator.
 *
 * <p>A backend implements only raw generation ({@link dev.deliberate.core.spi.TextGenerator}); everything that makes a
 * reasoning call (splitting {@code <think>}, thinking budgets and deadlines, schema-constrained answers, validation,
 * retries, usage, timings, cancellation, serialisation of calls) lives once in core, on top of it.
 *
 * <p><b>Why a generator interface and not a {@code ReasoningModel} per backend:</b> cross-cutting rules must not be
 * copied into every backend (the most reported reasoning bugs come from such copies). <b>Chat-level backends:</b> an
 * OpenAI-compatible server has no raw prompt: it renders the chat template itself and returns thinking as
 * {@code reasoning_content}. Such a backend will implement a second generator shape, {@code ChatGenerator}
 * (messages in, thinking/answer pieces out, an assistant prefix to continue from when the SDK closes thinking),
 * returned by the same {@link dev.deliberate.core.spi.BackendProvider#open} through the common supertype
 * {@link dev.deliberate.core.spi.ModelBackend}; core then picks the orchestrator by the generator's type, which is a
 * compile-time capability rather than a runtime "not supported". Only {@code TextGenerator} exists today.
 *
 * <p>Everything in this package is public for backend authors; application code uses {@code dev.deliberate.core}.
 */
package dev.deliberate.core.spi;
