/**
 * Rendering DICOM images to 8-bit pictures and PNG: {@link dev.deliberate.medical.render.DicomRenderer} (Modality
 * and VOI LUT, MONOCHROME1/2, RGB/YBR, native, RLE and 8-bit JPEG pixel data).
 *
 * <p>Null policy: no public method returns null (absent values are {@code Optional} or empty collections) and no
 * public method accepts null. Value types are immutable and thread-safe.
 */
package dev.deliberate.medical.render;
