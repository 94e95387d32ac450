/**
 * {@code deliberate dicom web}: the DICOMweb commands ({@code store}, {@code search}, {@code get}), thin layers over
 * {@link dev.deliberate.medical.web.DicomWebClient}.
 */
package dev.deliberate.cli.dicom.web;
