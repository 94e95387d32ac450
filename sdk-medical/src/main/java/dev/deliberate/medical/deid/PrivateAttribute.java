package dev.deliberate.medical.deid;

import java.util.Objects;

/**
 * A private attribute named by its creator, as the Retain Safe Private option needs it: element {@code elementByte}
 * of the block reserved by {@code creator} in odd group {@code group}.
 *
 * @param creator     the private creator string, e.g. {@code "SIEMENS CSA HEADER"}
 * @param group       the odd group number
 * @param elementByte the low byte of the element (0x00..0xFF)
 */
public record PrivateAttribute(String creator, int group, int elementByte) {

    /** Validates. */
    public PrivateAttribute {
        Objects.requireNonNull(creator, "creator");
        creator = creator.strip();
        if (creator.isEmpty()) {
            throw new IllegalArgumentException("private creator must not be empty");
        }
        if (group < 0x0009 || group > 0xFFFF || (group & 1) == 0) {
            throw new IllegalArgumentException("private group must be odd and above 0008: " + group);
        }
        if (elementByte < 0 || elementByte > 0xFF) {
            throw new IllegalArgumentException("elementByte must be 0..255: " + elementByte);
        }
    }
}
