/**
 * PS3.15 Annex E de-identification: {@link dev.deliberate.medical.deid.Deidentifier} applies the Basic Application
 * Level Confidentiality Profile (action table generated from the standard) with the options of a {@link
 * dev.deliberate.medical.deid.DeidentificationPolicy}.
 *
 * <p>Null policy: no public method returns null (absent values are {@code Optional} or empty collections) and no
 * public method accepts null. Value types are immutable and thread-safe.
 */
package dev.deliberate.medical.deid;
