package dev.deliberate.medical.dicom;

import java.util.List;
import java.util.Optional;

/**
 * Decides, for one element at any nesting level, what replaces it: used by {@link DicomObject#rewrite}.
 */
@FunctionalInterface
public interface ElementRewriter {

    /**
     * @param sequencePath the tags of the sequences enclosing the element, outermost first (empty at top level)
     * @param element      the element; for a sequence, its items have already been rewritten
     * @return the element to keep (the same, or a replacement with the same tag), or empty to remove it
     */
    Optional<DicomElement> rewrite(List<Integer> sequencePath, DicomElement element);
}
