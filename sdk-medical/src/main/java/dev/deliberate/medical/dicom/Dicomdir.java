package dev.deliberate.medical.dicom;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A DICOMDIR (PS3.10 Media Storage Directory) read into a tree of {@link DirectoryRecord}s: patients, their studies,
 * series and instances.
 *
 * <p>The tree follows the record offsets (0004,1200 first root record, 0004,1400 next, 0004,1420 lower level). When
 * the offsets are absent or do not point at records (some writers leave them zero), the tree is rebuilt from the
 * order of the records and their types (PATIENT above STUDY above SERIES above everything else). Offset chains are
 * bounded: a cycle or a dangling link is a {@link DicomParseException}.
 */
public final class Dicomdir {
    private final Path root;
    private final List<DirectoryRecord> roots;
    private final boolean fromOffsets;

    private Dicomdir(Path root, List<DirectoryRecord> roots, boolean fromOffsets) {
        this.root = root;
        this.roots = List.copyOf(roots);
        this.fromOffsets = fromOffsets;
    }

    /**
     * Reads a DICOMDIR file.
     *
     * @throws DicomParseException when the file or its record links are malformed
     * @throws IOException         when the file cannot be read
     */
    public static Dicomdir read(Path dicomdir, DicomReader reader) throws IOException {
        DicomFile f = reader.read(dicomdir);
        Path parent = dicomdir.toAbsolutePath().getParent();
        return of(f.dataset(), parent, dicomdir);
    }

    /** Reads a DICOMDIR with the standard reader. */
    public static Dicomdir read(Path dicomdir) throws IOException {
        return read(dicomdir, DicomReader.standard());
    }

    /**
     * Builds the tree from an already read DICOMDIR dataset.
     *
     * @param dataset   the DICOMDIR dataset (items must carry their source offsets for offset links to be used)
     * @param directory the folder Referenced File IDs are relative to
     */
    public static Dicomdir of(DicomObject dataset, Path directory) {
        return of(dataset, directory, null);
    }

    private static Dicomdir of(DicomObject dataset, Path directory, Path file) {
        Objects.requireNonNull(directory, "directory");
        List<DicomObject> records = dataset.getSequence(Tags.DirectoryRecordSequence).map(Sequence::items)
                .orElse(List.of());
        Map<Long, DicomObject> byOffset = new HashMap<>();
        for (DicomObject r : records) {
            r.sourceOffset().ifPresent(o -> byOffset.put(o, r));
        }
        long first = dataset.getLong(Tags.OffsetOfTheFirstDirectoryRecordOfTheRootDirectoryEntity).orElse(0);
        if (!records.isEmpty() && first != 0 && byOffset.containsKey(first)) {
            return new Dicomdir(directory, linked(first, byOffset, records.size(), file), true);
        }
        return new Dicomdir(directory, byOrder(records), false);
    }

    private static List<DirectoryRecord> linked(long first, Map<Long, DicomObject> byOffset, int count, Path file) {
        // Iterative depth-first build: each frame collects the siblings of one level.
        final class Frame {
            final List<DirectoryRecord> siblings = new ArrayList<>();
            long next;
            DicomObject parent;
            long parentOffset;
            Frame(long next) {
                this.next = next;
            }
        }
        Set<Long> seen = new HashSet<>();
        Deque<Frame> stack = new ArrayDeque<>();
        stack.push(new Frame(first));
        List<DirectoryRecord> result = null;
        while (!stack.isEmpty()) {
            Frame f = stack.peek();
            if (f.next != 0) {
                long off = f.next;
                DicomObject r = byOffset.get(off);
                if (r == null) {
                    throw new DicomParseException("directory record link points at " + off
                            + ", where no record starts", file, off, Tags.DirectoryRecordSequence);
                }
                if (!seen.add(off) || seen.size() > count) {
                    throw new DicomParseException("directory record links form a cycle", file, off,
                            Tags.DirectoryRecordSequence);
                }
                f.next = r.getLong(Tags.OffsetOfTheNextDirectoryRecord).orElse(0);
                long lower = r.getLong(Tags.OffsetOfReferencedLowerLevelDirectoryEntity).orElse(0);
                Frame child = new Frame(lower);
                child.parent = r;
                child.parentOffset = off;
                stack.push(child);
                continue;
            }
            stack.pop();
            if (f.parent == null) {
                result = f.siblings;
            } else {
                stack.peek().siblings.add(record(f.parent, f.parentOffset, f.siblings));
            }
        }
        return result == null ? List.of() : result;
    }

    private static DirectoryRecord record(DicomObject r, long offset, List<DirectoryRecord> children) {
        return new DirectoryRecord(r.getString(Tags.DirectoryRecordType).orElse(""), r, offset, children);
    }

    private static int level(String type) {
        switch (type) {
            case "PATIENT": return 0;
            case "STUDY": return 1;
            case "SERIES": return 2;
            default: return 3;
        }
    }

    /** Rebuilds the hierarchy from record order and type when offsets cannot be used. */
    private static List<DirectoryRecord> byOrder(List<DicomObject> records) {
        final class Node {
            final DicomObject r;
            final int level;
            final List<Node> kids = new ArrayList<>();
            Node(DicomObject r, int level) {
                this.r = r;
                this.level = level;
            }
        }
        List<Node> top = new ArrayList<>();
        Deque<Node> path = new ArrayDeque<>();
        List<Node> all = new ArrayList<>();
        for (DicomObject r : records) {
            Node n = new Node(r, level(r.getString(Tags.DirectoryRecordType).orElse("")));
            all.add(n);
            while (!path.isEmpty() && path.peek().level >= n.level) {
                path.pop();
            }
            if (path.isEmpty()) {
                top.add(n);
            } else {
                path.peek().kids.add(n);
            }
            path.push(n);
        }
        // build bottom-up without recursion: nodes were created parents-first, so reverse order finishes children
        Map<Node, DirectoryRecord> done = new HashMap<>();
        for (int i = all.size() - 1; i >= 0; i--) {
            Node n = all.get(i);
            List<DirectoryRecord> kids = new ArrayList<>();
            for (Node k : n.kids) {
                kids.add(done.get(k));
            }
            done.put(n, record(n.r, n.r.sourceOffset().orElse(-1), kids));
        }
        List<DirectoryRecord> out = new ArrayList<>();
        for (Node n : top) {
            out.add(done.get(n));
        }
        return out;
    }

    /** The root-level records (normally PATIENT records). */
    public List<DirectoryRecord> roots() {
        return roots;
    }

    /** The root-level PATIENT records. */
    public List<DirectoryRecord> patients() {
        return roots.stream().filter(r -> r.type().equals("PATIENT")).toList();
    }

    /** Whether the tree was built from the record offsets (false: from record order). */
    public boolean builtFromOffsets() {
        return fromOffsets;
    }

    /** Every record in directory order (depth first). */
    public List<DirectoryRecord> allRecords() {
        List<DirectoryRecord> out = new ArrayList<>();
        Deque<DirectoryRecord> stack = new ArrayDeque<>();
        for (int i = roots.size() - 1; i >= 0; i--) {
            stack.push(roots.get(i));
        }
        while (!stack.isEmpty()) {
            DirectoryRecord r = stack.pop();
            out.add(r);
            for (int i = r.children().size() - 1; i >= 0; i--) {
                stack.push(r.children().get(i));
            }
        }
        return out;
    }

    /**
     * The file a record refers to, resolved against the DICOMDIR's folder; empty when the record names no file or
     * the name would leave that folder.
     */
    public Optional<Path> file(DirectoryRecord record) {
        List<String> id = record.referencedFileId();
        if (id.isEmpty()) {
            return Optional.empty();
        }
        Path p = root;
        for (String c : id) {
            if (c.isEmpty() || c.equals("..") || c.equals(".") || c.contains("/")) {
                return Optional.empty();
            }
            p = p.resolve(c);
        }
        return Optional.of(p.normalize());
    }

    /** The Media Storage SOP Class UID of a DICOMDIR (Media Storage Directory Storage). */
    public static final String MEDIA_STORAGE_DIRECTORY_CLASS_UID = "1.2.840.10008.1.3.10";

    /**
     * A new DICOMDIR file (Basic Directory IOD, PS3.3 F.3) holding these record trees. Each record's attributes are
     * its keys (Directory Record Type included, e.g. PATIENT / STUDY / SERIES / IMAGE with Referenced File ID); the
     * record links (next record, lower-level entity, root first and last, in-use flag) are set here, and
     * {@link DicomWriter} turns them into the byte offsets the records get in the written file.
     *
     * @param fileSetId  File-set ID (0004,1130), at most 16 characters of CS; may be empty
     * @param fileSetUid the Media Storage SOP Instance UID of the DICOMDIR
     * @param roots      the top-level records (normally PATIENT records), in order
     */
    public static DicomFile create(String fileSetId, String fileSetUid, List<DirectoryRecord> roots) {
        Objects.requireNonNull(fileSetId, "fileSetId");
        Objects.requireNonNull(fileSetUid, "fileSetUid");
        // Depth first: a record is followed by its children. Links first name records by a stand-in id (their
        // index + 1, never 0, which means "none"); the stand-in ids are the records' source offsets, which the
        // writer maps to where the records land in the file.
        List<DirectoryRecord> flat = new ArrayList<>();
        Map<DirectoryRecord, Long> ids = new java.util.IdentityHashMap<>();
        Deque<DirectoryRecord> stack = new ArrayDeque<>();
        for (int i = roots.size() - 1; i >= 0; i--) {
            stack.push(roots.get(i));
        }
        while (!stack.isEmpty()) {
            DirectoryRecord r = stack.pop();
            ids.put(r, (long) flat.size() + 1);
            flat.add(r);
            for (int i = r.children().size() - 1; i >= 0; i--) {
                stack.push(r.children().get(i));
            }
        }
        Map<DirectoryRecord, Long> next = new java.util.IdentityHashMap<>();
        linkSiblings(roots, ids, next);
        for (DirectoryRecord r : flat) {
            linkSiblings(r.children(), ids, next);
        }
        List<DicomObject> items = new ArrayList<>(flat.size());
        for (DirectoryRecord r : flat) {
            DicomObject.Builder b = r.attributes().toBuilder()
                    .set(DicomElement.ofLongs(Tags.OffsetOfTheNextDirectoryRecord, VR.UL, next.getOrDefault(r, 0L)))
                    .set(DicomElement.ofLongs(Tags.RecordInUseFlag, VR.US, 0xFFFF))
                    .set(DicomElement.ofLongs(Tags.OffsetOfReferencedLowerLevelDirectoryEntity, VR.UL,
                            r.children().isEmpty() ? 0L : ids.get(r.children().get(0))))
                    .setString(Tags.DirectoryRecordType, VR.CS, r.type());
            b.sourceOffset(ids.get(r));
            items.add(b.build());
        }
        DicomObject ds = DicomObject.builder().setString(Tags.FileSetID, VR.CS, fileSetId)
                .set(DicomElement.ofLongs(Tags.OffsetOfTheFirstDirectoryRecordOfTheRootDirectoryEntity, VR.UL,
                        roots.isEmpty() ? 0L : ids.get(roots.get(0))))
                .set(DicomElement.ofLongs(Tags.OffsetOfTheLastDirectoryRecordOfTheRootDirectoryEntity, VR.UL,
                        roots.isEmpty() ? 0L : ids.get(roots.get(roots.size() - 1))))
                .set(DicomElement.ofLongs(Tags.FileSetConsistencyFlag, VR.US, 0))
                .setSequence(Tags.DirectoryRecordSequence, items).build();
        DicomObject meta = DicomObject.builder()
                .setString(Tags.MediaStorageSOPClassUID, VR.UI, MEDIA_STORAGE_DIRECTORY_CLASS_UID)
                .setString(Tags.MediaStorageSOPInstanceUID, VR.UI, fileSetUid).build();
        return new DicomFile(meta, ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
    }

    private static void linkSiblings(List<DirectoryRecord> siblings, Map<DirectoryRecord, Long> ids,
            Map<DirectoryRecord, Long> next) {
        for (int i = 0; i + 1 < siblings.size(); i++) {
            next.put(siblings.get(i), ids.get(siblings.get(i + 1)));
        }
    }
}
