/**
 * DICOMweb client (PS3.18) over {@code java.net.http}: QIDO-RS search, WADO-RS retrieval of instances and metadata,
 * STOW-RS storage, and WADO-URI.
 *
 * <p>{@link dev.deliberate.medical.web.DicomWebClient} is the entry point. Instances travel as streams, part by part
 * ({@link dev.deliberate.medical.web.MultipartReader}), so a large study never sits in memory; every response is read
 * against the bounds of {@link dev.deliberate.medical.web.DicomWebLimits}. Failures are typed under
 * {@link dev.deliberate.medical.web.DicomWebException}. Nothing public here returns null.
 */
package dev.deliberate.medical.web;
