package dev.deliberate.samples.radiology;

import dev.deliberate.core.DeliberateException;
import dev.deliberate.medical.dicom.DicomFile;
import dev.deliberate.medical.dicom.DicomReader;
import dev.deliberate.medical.dicom.Tags;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The instances of one study, read from a Part 10 file or a folder tree. Files without the Part 10 preamble and
 * {@code DICM} prefix are skipped (and counted); a Part 10 file that does not parse stops the run, naming the file.
 *
 * @param files   the instances, in path order, with where each came from
 * @param skipped files in the folder that were not DICOM Part 10
 */
public record StudyInput(List<Instance> files, int skipped) {

    /** The most DICOM instances one run accepts. */
    public static final int MAX_INSTANCES = 2000;
    /** The most files looked at in a folder. */
    public static final int MAX_FILES = 20_000;
    /** How deep a folder tree is searched. */
    public static final int MAX_DEPTH = 8;

    /** Validates and copies. */
    public StudyInput {
        files = List.copyOf(files);
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no instances");
        }
        if (skipped < 0) {
            throw new IllegalArgumentException("skipped must not be negative");
        }
    }

    /**
     * One instance and its source file.
     *
     * @param path the file
     * @param file what was read from it
     */
    public record Instance(Path path, DicomFile file) {
        /** Rejects nulls. */
        public Instance {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(file, "file");
        }
    }

    /**
     * Reads a file or a folder tree.
     *
     * @throws SecondLookException when the input does not exist, holds no DICOM instance, holds more than
     *                             {@link #MAX_INSTANCES}, a DICOM file does not parse, or the instances span studies
     * @throws IOException         when a file cannot be read
     */
    public static StudyInput read(Path input, DicomReader reader) throws IOException {
        if (!Files.exists(input)) {
            throw new SecondLookException("input not found: " + input);
        }
        List<Path> candidates = new ArrayList<>();
        int skipped = 0;
        if (Files.isDirectory(input)) {
            try (Stream<Path> s = Files.walk(input, MAX_DEPTH)) {
                List<Path> all = s.filter(Files::isRegularFile).limit(MAX_FILES + 1L).sorted().toList();
                if (all.size() > MAX_FILES) {
                    throw new SecondLookException("more than " + MAX_FILES + " files under " + input
                            + ": point the sample at one study's folder");
                }
                for (Path p : all) {
                    if (isPart10(p)) {
                        candidates.add(p);
                    } else {
                        skipped++;
                    }
                }
            }
        } else if (isPart10(input)) {
            candidates.add(input);
        } else {
            throw new SecondLookException("not a DICOM Part 10 file (no 128-byte preamble followed by DICM): " + input);
        }
        if (candidates.isEmpty()) {
            throw new SecondLookException("no DICOM Part 10 file under " + input + " (" + skipped
                    + " other files skipped)");
        }
        if (candidates.size() > MAX_INSTANCES) {
            throw new SecondLookException(candidates.size() + " DICOM files under " + input + "; at most "
                    + MAX_INSTANCES + " per run");
        }
        List<Instance> out = new ArrayList<>();
        String study = null;
        for (Path p : candidates) {
            DicomFile f;
            try {
                f = reader.read(p);
            } catch (DeliberateException e) {
                throw new SecondLookException("cannot read " + p + ": " + e.getMessage(), e);
            }
            String uid = f.dataset().getString(Tags.StudyInstanceUID).orElseThrow(
                    () -> new SecondLookException("no Study Instance UID in " + p));
            if (study == null) {
                study = uid;
            } else if (!study.equals(uid)) {
                throw new SecondLookException("the instances under " + input + " belong to more than one study ("
                        + p + " differs from the first); point the sample at one study");
            }
            out.add(new Instance(p, f));
        }
        return new StudyInput(out, skipped);
    }

    /** Whether the file starts with a 128-byte preamble and {@code DICM}. */
    static boolean isPart10(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            byte[] head = in.readNBytes(132);
            return head.length == 132 && head[128] == 'D' && head[129] == 'I' && head[130] == 'C'
                    && head[131] == 'M';
        }
    }
}
