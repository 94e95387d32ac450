package dev.deliberate.medical.net;

import dev.deliberate.medical.dicom.DicomFile;
import dev.deliberate.medical.dicom.DicomReadOptions;
import dev.deliberate.medical.dicom.DicomReader;
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
    private static final DicomReader HEADERS = new DicomReader(DicomReadOptions.defaults().withStopBeforePixels(true));
    private static final List<String> UNCOMPRESSED = List.of(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid(),
            TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN.uid());

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
     * One context per (SOP class, transfer syntax) found in the files' headers: the file's own transfer syntax first,
     * then, for uncompressed files, explicit and implicit VR little endian; compressed files are offered only in their
     * own syntax so they travel as they are. Verification is added.
     *
     * @throws IllegalArgumentException when the files need more than 127 contexts
     * @throws dev.deliberate.medical.dicom.DicomParseException when a file is not DICOM
     */
    public static List<PresentationContext> forFiles(List<Path> files) throws IOException {
        Set<List<String>> seen = new LinkedHashSet<>();
        for (Path f : files) {
            DicomFile h = HEADERS.read(f);
            String sop = h.fileMeta().getString(Tags.MediaStorageSOPClassUID)
                    .or(() -> h.dataset().getString(Tags.SOPClassUID))
                    .orElseThrow(() -> new IllegalArgumentException(f + " has no SOP Class UID"));
            seen.add(List.of(sop, h.transferSyntax().uid()));
        }
        List<PresentationContext> out = new ArrayList<>();
        out.add(new PresentationContext(1, Uids.VERIFICATION, List.of(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN.uid())));
        int id = 3;
        for (List<String> k : seen) {
            if (id > 255) {
                throw new IllegalArgumentException("the files need more than 127 presentation contexts ("
                        + seen.size() + " SOP class/transfer syntax pairs); send them in smaller groups");
            }
            TransferSyntax ts = TransferSyntax.of(k.get(1));
            Set<String> syntaxes = new LinkedHashSet<>();
            syntaxes.add(ts.uid());
            if (!ts.encapsulated()) {
                syntaxes.addAll(UNCOMPRESSED);
            }
            out.add(new PresentationContext(id, k.get(0), List.copyOf(syntaxes)));
            id += 2;
        }
        return out;
    }
}
