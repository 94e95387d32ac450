/**
 * Prompt-safe study summaries: {@link dev.deliberate.medical.study.StudyContext} holds typed facts without direct
 * identifiers and renders them as a quoted data block.
 *
 * <p>Null policy: no public method returns null (absent values are {@code Optional} or empty collections) and no
 * public method accepts null. Value types are immutable and thread-safe.
 */
package dev.deliberate.medical.study;
