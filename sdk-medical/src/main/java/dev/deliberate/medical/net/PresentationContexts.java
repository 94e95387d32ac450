package dev.deliberate.medical.net;

import dev.deliberate.medical.dicom.DicomFile;
import dev.deliberate.medical.dicom.Tags;
import dev.deliberate.medical.dicom.TransferSyntax;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Ready-made presentation context proposals. */
public final class PresentationContexts {
    private static final List<String> UNCOMPRESSED = List.of(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid(),
            TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN.uid());
    private static final List<String> VERIFICATION_PROPOSAL =
            List.of(Uids.VERIFICATION, TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN.uid());

    private PresentationContexts() {}

    /** Verification (C-ECHO) in implicit VR little endian. */
    public static List<PresentationContext> verification() {
        return List.of(new PresentationContext(1, Uids.VERIFICATION,
                List.of(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN.uid())));
    }

    /** FIND and MOVE of one model, with verification, in explicit and implicit VR little endian. */
    public static List<PresentationContext> queryRetrieve(QueryModel model) {
        return List.of(new PresentationContext(1, Uids.VERIFICATION, UNCOMPRESSED),
                new PresentationContext(3, model.findSopClass(), UNCOMPRESSED),
                new PresentationContext(5, model.moveSopClass(), UNCOMPRESSED));
    }

    /**
     * GET of one model (context 1) and, for receiving its C-STORE sub-operations on the same association, one context
     * per storage SOP class offering explicit and implicit VR little endian (contexts 3, 5, ...). Propose them with
     * {@link #scpRoles} (the requester takes the SCP role for those classes, PS3.4 C.4.3).
     *
     * @param storageSopClasses the SOP classes the retrieved instances may have (at most 127)
     * @throws IllegalArgumentException when there are more than 127
     */
    public static List<PresentationContext> retrieveWithGet(QueryModel model, List<String> storageSopClasses) {
        if (storageSopClasses.isEmpty() || storageSopClasses.size() > 127) {
            throw new IllegalArgumentException("a C-GET association proposes 1..127 storage SOP classes, not "
                    + storageSopClasses.size());
        }
        List<PresentationContext> out = new java.util.ArrayList<>();
        out.add(new PresentationContext(1, model.getSopClass(), UNCOMPRESSED));
        int id = 3;
        for (String sop : storageSopClasses) {
            out.add(new PresentationContext(id, sop, UNCOMPRESSED));
            id += 2;
        }
        return out;
    }

    /**
     * The storage SOP classes a C-GET proposes when the caller names none: CT, MR (and their enhanced forms), CR, DX,
     * MG, US (single and multi-frame), SC (single and true-colour multi-frame), XA, NM, PET, RT Image, Dose, Structure
     * Set and Plan, Segmentation, Basic Text, Enhanced and Comprehensive SR, Key Object Selection, GSPS, Encapsulated
     * PDF and 12-lead ECG.
     */
    public static final List<String> COMMON_STORAGE_SOP_CLASSES = List.of("1.2.840.10008.5.1.4.1.1.2",
            "1.2.840.10008.5.1.4.1.1.2.1", "1.2.840.10008.5.1.4.1.1.4", "1.2.840.10008.5.1.4.1.1.4.1",
            "1.2.840.10008.5.1.4.1.1.1", "1.2.840.10008.5.1.4.1.1.1.1", "1.2.840.10008.5.1.4.1.1.1.2",
            "1.2.840.10008.5.1.4.1.1.6.1", "1.2.840.10008.5.1.4.1.1.3.1", "1.2.840.10008.5.1.4.1.1.7",
            "1.2.840.10008.5.1.4.1.1.7.4", "1.2.840.10008.5.1.4.1.1.12.1", "1.2.840.10008.5.1.4.1.1.20",
            "1.2.840.10008.5.1.4.1.1.128", "1.2.840.10008.5.1.4.1.1.481.1", "1.2.840.10008.5.1.4.1.1.481.2",
            "1.2.840.10008.5.1.4.1.1.481.3", "1.2.840.10008.5.1.4.1.1.481.5", "1.2.840.10008.5.1.4.1.1.66.4",
            "1.2.840.10008.5.1.4.1.1.88.11", "1.2.840.10008.5.1.4.1.1.88.22", "1.2.840.10008.5.1.4.1.1.88.33",
            "1.2.840.10008.5.1.4.1.1.88.59", "1.2.840.10008.5.1.4.1.1.11.1", "1.2.840.10008.5.1.4.1.1.104.1",
            "1.2.840.10008.5.1.4.1.1.9.1.1");

    /** Role selections taking the SCP role (and not the SCU role) for these storage SOP classes, for C-GET. */
    public static List<RoleSelection> scpRoles(List<String> storageSopClasses) {
        return storageSopClasses.stream().map(u -> new RoleSelection(u, false, true)).toList();
    }

    /**
     * Contexts for sending these files: for each (SOP class, transfer syntax) found in their headers a context with
     * just that transfer syntax, so every file can travel as it is (compressed files are never transcoded); and for
     * each SOP class with uncompressed files a fallback context offering explicit and implicit VR little endian, used
     * when the acceptor refuses a file's own syntax. Verification is added.
     *
     * @throws IllegalArgumentException when the files need more than 128 contexts
     * @throws dev.deliberate.medical.dicom.DicomParseException when a file is not DICOM
     */
    public static List<PresentationContext> forFiles(List<Path> files) throws IOException {
        List<List<String>> pairs = new ArrayList<>();
        for (Path f : files) {
            DicomFile h = Association.SENDING_HEADER.read(f);
            String sop = h.dataset().getString(Tags.SOPClassUID)
                    .or(() -> h.fileMeta().getString(Tags.MediaStorageSOPClassUID))
                    .orElseThrow(() -> new IllegalArgumentException(f + " has no SOP Class UID"));
            pairs.add(List.of(sop, h.transferSyntax().uid()));
        }
        return forPairs(pairs);
    }

    /**
     * As {@link #forFiles(List)}, from (SOP class UID, transfer syntax UID) pairs already known.
     *
     * @throws IllegalArgumentException when the pairs need more than 128 contexts
     */
    public static List<PresentationContext> forPairs(List<List<String>> sopClassAndTransferSyntax) {
        Set<List<String>> proposals = new LinkedHashSet<>(proposals(sopClassAndTransferSyntax));
        if (proposals.size() > 128) {
            throw new IllegalArgumentException("the files need " + proposals.size() + " presentation contexts, more"
                    + " than the 128 an association can carry; send them in smaller groups");
        }
        List<PresentationContext> out = new ArrayList<>();
        int id = 1;
        for (List<String> p : proposals) {
            out.add(new PresentationContext(id, p.get(0), p.subList(1, p.size())));
            id += 2;
        }
        return out;
    }

    /**
     * A group of files that grows one (SOP class, transfer syntax) pair at a time while the contexts
     * {@link #forPairs(List)} would propose for it fit in one association. Each step costs the same however large
     * the group is (recounting the whole group per file made sending N files cost N squared).
     */
    static final class Group {
        private final Set<List<String>> proposed = new java.util.HashSet<>();
        private final List<List<String>> pairs = new ArrayList<>();

        Group() {
            proposed.add(VERIFICATION_PROPOSAL);
        }

        /** Adds the pair and returns true, or returns false (adding nothing) when the contexts would exceed 128. */
        boolean add(List<String> pair) {
            List<String> exact = exact(pair);
            java.util.Optional<List<String>> fallback = fallback(pair);
            int more = (proposed.contains(exact) ? 0 : 1)
                    + (fallback.isEmpty() || proposed.contains(fallback.get()) || fallback.get().equals(exact) ? 0 : 1);
            if (proposed.size() + more > 128) {
                return false;
            }
            proposed.add(exact);
            fallback.ifPresent(proposed::add);
            pairs.add(pair);
            return true;
        }

        /** The pairs added, in order. */
        List<List<String>> pairs() {
            return pairs;
        }

        /** How many contexts {@link #forPairs(List)} proposes for the pairs added. */
        int contexts() {
            return proposed.size();
        }
    }

    private static Set<List<String>> proposals(List<List<String>> pairs) {
        Set<List<String>> proposals = new LinkedHashSet<>();
        proposals.add(VERIFICATION_PROPOSAL);
        Set<List<String>> fallbacks = new LinkedHashSet<>();
        for (List<String> p : pairs) {
            proposals.add(exact(p));
            fallback(p).ifPresent(fallbacks::add);
        }
        proposals.addAll(fallbacks);
        return proposals;
    }

    /** The proposal of a (SOP class, transfer syntax) pair in just that syntax: {@code [sop class, syntax]}. */
    private static List<String> exact(List<String> pair) {
        return List.of(pair.get(0), TransferSyntax.of(pair.get(1)).uid());
    }

    /** For uncompressed data, the fallback proposal {@code [sop class, explicit LE, implicit LE]}. */
    private static java.util.Optional<List<String>> fallback(List<String> pair) {
        if (TransferSyntax.of(pair.get(1)).encapsulated()) {
            return java.util.Optional.empty();
        }
        List<String> fb = new ArrayList<>();
        fb.add(pair.get(0));
        fb.addAll(UNCOMPRESSED);
        return java.util.Optional.of(fb);
    }
}
