/**
 * Structured reports: {@link dev.deliberate.medical.sr.StructuredReportWriter} writes a {@link
 * dev.deliberate.medical.sr.DiagnosticReport} as a Comprehensive SR following TID 2000.
 *
 * <p>Null policy: no public method returns null (absent values are {@code Optional} or empty collections) and no
 * public method accepts null. Value types are immutable and thread-safe.
 */
package dev.deliberate.medical.sr;
