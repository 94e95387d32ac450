package dev.deliberate.medical.dicom;

import java.util.Iterator;
import java.util.List;

/**
 * The value of an SQ element: an ordered list of items, each a {@link DicomObject}.
 *
 * @param items the items, in order (copied; may be empty)
 */
public record Sequence(List<DicomObject> items) implements Iterable<DicomObject> {

    /** Copies the list. */
    public Sequence {
        items = List.copyOf(items);
    }

    /** A sequence of the given items. */
    public static Sequence of(DicomObject... items) {
        return new Sequence(List.of(items));
    }

    /** The number of items. */
    public int size() {
        return items.size();
    }

    /** Whether there are no items. */
    public boolean isEmpty() {
        return items.isEmpty();
    }

    /** The item at {@code index}. */
    public DicomObject get(int index) {
        return items.get(index);
    }

    @Override
    public Iterator<DicomObject> iterator() {
        return items.iterator();
    }
}
