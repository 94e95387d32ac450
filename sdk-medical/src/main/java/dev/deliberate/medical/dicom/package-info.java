/**
 * The DICOM data layer: datasets ({@link dev.deliberate.medical.dicom.DicomObject}), Part 10 reading and writing
 * ({@link dev.deliberate.medical.dicom.DicomReader}, {@link dev.deliberate.medical.dicom.DicomWriter}), DICOM JSON
 * ({@link dev.deliberate.medical.dicom.DicomJson}), DICOMDIR ({@link dev.deliberate.medical.dicom.Dicomdir}) and the
 * data dictionary generated from the standard ({@link dev.deliberate.medical.dicom.Tags},
 * {@link dev.deliberate.medical.dicom.DataDictionary}).
 *
 * <p>Null policy: no public method returns null (absent values are {@code Optional}, empty lists or empty arrays) and
 * no public method accepts null unless its documentation says so. Value types are immutable and thread-safe; builders
 * are not thread-safe. Malformed input fails with {@link dev.deliberate.medical.dicom.DicomParseException}.
 */
package dev.deliberate.medical.dicom;
