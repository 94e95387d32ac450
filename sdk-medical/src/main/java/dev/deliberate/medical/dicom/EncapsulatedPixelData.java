package dev.deliberate.medical.dicom;

import java.util.ArrayList;
import java.util.List;

/**
 * Encapsulated (compressed) pixel data: the Basic Offset Table and the fragments (PS3.5 A.4).
 *
 * @param basicOffsetTable offsets of each frame's first fragment, counted from the first byte of the first fragment
 *                         item's tag; empty when the table is empty
 * @param fragments        the fragment values (without the item headers), in order
 */
public record EncapsulatedPixelData(List<Long> basicOffsetTable, List<BulkData> fragments) {

    /** Copies the lists. */
    public EncapsulatedPixelData {
        basicOffsetTable = List.copyOf(basicOffsetTable);
        fragments = List.copyOf(fragments);
    }

    /**
     * The fragments that make up one frame.
     *
     * <p>With a Basic Offset Table the frame boundaries come from it; without one, one fragment per frame is assumed
     * when there are as many fragments as frames, and all fragments form the frame when there is a single frame.
     * Use {@link #frameFragments(int, int, long[])} when the dataset has an Extended Offset Table.
     *
     * @param frame          the zero-based frame index
     * @param numberOfFrames the dataset's Number of Frames (1 when absent)
     * @throws IllegalArgumentException when the frame index is out of range or frames cannot be told apart
     */
    public List<BulkData> frameFragments(int frame, int numberOfFrames) {
        if (frame < 0 || frame >= numberOfFrames) {
            throw new IllegalArgumentException("frame " + frame + " out of range 0.." + (numberOfFrames - 1));
        }
        return frameFragments(frame, numberOfFrames, new long[0]);
    }

    /**
     * The fragments that make up one frame, using the Extended Offset Table (7FE0,0001) when the Basic Offset Table
     * is empty.
     *
     * @param frame                the zero-based frame index
     * @param numberOfFrames       the dataset's Number of Frames (1 when absent)
     * @param extendedOffsetTable  the values of Extended Offset Table (7FE0,0001), or an empty array
     * @throws IllegalArgumentException when the frame index is out of range or frames cannot be told apart
     */
    public List<BulkData> frameFragments(int frame, int numberOfFrames, long[] extendedOffsetTable) {
        if (frame < 0 || frame >= numberOfFrames) {
            throw new IllegalArgumentException("frame " + frame + " out of range 0.." + (numberOfFrames - 1));
        }
        List<Long> table = basicOffsetTable;
        if (table.isEmpty() && extendedOffsetTable.length > 0) {
            table = new ArrayList<>();
            for (long l : extendedOffsetTable) {
                table.add(l);
            }
        }
        if (!table.isEmpty()) {
            if (table.size() != numberOfFrames) {
                throw new IllegalArgumentException("offset table has " + table.size()
                        + " entries for " + numberOfFrames + " frames");
            }
            long start = table.get(frame);
            long end = frame + 1 < numberOfFrames ? table.get(frame + 1) : Long.MAX_VALUE;
            List<BulkData> out = new ArrayList<>();
            long pos = 0;
            for (BulkData f : fragments) {
                if (pos >= start && pos < end) {
                    out.add(f);
                }
                pos += 8 + f.length();
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException("basic offset table points past the fragments for frame " + frame);
            }
            return out;
        }
        if (numberOfFrames == 1) {
            return fragments;
        }
        if (fragments.size() == numberOfFrames) {
            return List.of(fragments.get(frame));
        }
        throw new IllegalArgumentException(fragments.size() + " fragments for " + numberOfFrames
                + " frames and no basic offset table: frame boundaries are unknown");
    }
}
