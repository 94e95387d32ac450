/**
 * Implementation of the reasoning core: the orchestrator that turns any
 * {@link dev.deliberate.core.spi.TextGenerator} into a {@link dev.deliberate.core.ReasoningModel}, and its parsers.
 * <b>Not API:</b> the classes are public only so that other packages of this module (and its tests) can reach them;
 * they may change in any release.
 */
package dev.deliberate.core.internal;
