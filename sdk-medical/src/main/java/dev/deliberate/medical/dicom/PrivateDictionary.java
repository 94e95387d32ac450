package dev.deliberate.medical.dicom;

import java.util.Optional;

/**
 * Dictionary of the private attributes of one private creator (for example {@code "SIEMENS CSA HEADER"}).
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader} (declare them in
 * {@code META-INF/services/dev.deliberate.medical.dicom.PrivateDictionary}) or registered with
 * {@link DataDictionary#registerPrivate(PrivateDictionary)}. The reader uses them to give private attributes a VR in
 * implicit-VR data; without one a private attribute is read as UN.
 */
public interface PrivateDictionary {

    /** The private creator value this dictionary describes, compared after trimming spaces. */
    String creator();

    /**
     * Describes a private attribute.
     *
     * @param group       the odd group number
     * @param elementByte the low byte of the element number (0x00..0xFF), which is what stays the same wherever the
     *                    creator's block is placed
     * @return the entry, or empty when this creator does not define the attribute
     */
    Optional<DictionaryEntry> entry(int group, int elementByte);
}
