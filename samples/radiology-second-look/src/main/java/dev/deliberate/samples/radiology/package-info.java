/**
 * The radiology second-look sample: DICOM study in, de-identified, summarised, reasoned about by a local model under
 * a thinking budget, and written back as a DICOM Comprehensive SR. Start at {@link
 * dev.deliberate.samples.radiology.SecondLookApp} (command line) or {@link dev.deliberate.samples.radiology.SecondLook}
 * (the pipeline).
 *
 * <p>Null policy: no public method returns null, except {@code SecondLookApp.parse}, which is package-private.
 */
package dev.deliberate.samples.radiology;
