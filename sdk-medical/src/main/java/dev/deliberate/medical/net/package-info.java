/**
 * DICOM networking (PS3.7 DIMSE over the PS3.8 upper layer): associations with presentation-context negotiation
 * ({@link dev.deliberate.medical.net.Association}), C-ECHO, C-STORE, C-FIND and C-MOVE as a service class user, and a
 * storage service class provider that loses nothing ({@link dev.deliberate.medical.net.StorageScp}).
 *
 * <p>Datasets are read and written with {@link dev.deliberate.medical.dicom.DicomReader} and
 * {@link dev.deliberate.medical.dicom.DicomWriter}; files received or sent keep their transfer syntax, so compressed
 * pixel data is never transcoded. Every PDU and message length read from the network is checked against what was
 * negotiated and configured; a violation aborts the association and surfaces as a
 * {@link dev.deliberate.medical.net.DicomProtocolException}. DIMSE statuses are typed results
 * ({@link dev.deliberate.medical.net.DimseStatus}), not exceptions.
 *
 * <p>Null policy: no public method returns null and none accepts null unless documented. Records are immutable and
 * thread-safe; an {@link dev.deliberate.medical.net.Association} is used by one thread at a time.
 */
package dev.deliberate.medical.net;
