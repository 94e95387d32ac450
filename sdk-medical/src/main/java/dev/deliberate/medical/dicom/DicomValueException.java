package dev.deliberate.medical.dicom;

import dev.deliberate.core.DeliberateException;

/** An element's value cannot be read as the type asked for (e.g. an IS value that is no integer). */
public class DicomValueException extends DeliberateException {
    private static final long serialVersionUID = 1L;

    /**
     * @param tag    the packed tag of the element
     * @param reason what is wrong with the value
     */
    public DicomValueException(int tag, String reason) {
        super(Tag.toString(tag) + DataDictionary.standard().keyword(tag).map(k -> " " + k).orElse("") + ": " + reason);
    }
}
