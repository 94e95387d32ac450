/**
 * The PHI guard: {@link dev.deliberate.medical.phi.PhiGuard} keeps identified DICOM data, and text derived from it,
 * from reaching endpoints the caller has not allowed explicitly.
 *
 * <p>Null policy: no public method returns null (absent values are {@code Optional} or empty collections) and no
 * public method accepts null. Value types are immutable and thread-safe.
 */
package dev.deliberate.medical.phi;
