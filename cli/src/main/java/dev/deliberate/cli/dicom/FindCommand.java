package dev.deliberate.cli.dicom;

import dev.deliberate.medical.dicom.DataDictionary;
import dev.deliberate.medical.dicom.DicomElement;
import dev.deliberate.medical.dicom.DicomJson;
import dev.deliberate.medical.dicom.DicomObject;
import dev.deliberate.medical.dicom.VR;
import dev.deliberate.medical.net.Association;
import dev.deliberate.medical.net.AssociationRequest;
import dev.deliberate.medical.net.FindResult;
import dev.deliberate.medical.net.PresentationContexts;
import dev.deliberate.medical.net.Query;
import dev.deliberate.medical.net.QueryLevel;
import dev.deliberate.medical.net.QueryModel;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code deliberate dicom find}: C-FIND at one level with matching and return keys. */
@Command(name = "find", mixinStandardHelpOptions = true, description = "Query a DICOM peer with C-FIND.")
public final class FindCommand implements Callable<Integer> {
    @CommandLine.Mixin
    DimseTarget target = new DimseTarget();

    @Option(names = "--level", description = "PATIENT, STUDY, SERIES or IMAGE (default: ${DEFAULT-VALUE}).")
    QueryLevel level = QueryLevel.STUDY;

    @Option(names = "--model", description = "STUDY_ROOT or PATIENT_ROOT (default: PATIENT_ROOT for the PATIENT"
            + " level, else STUDY_ROOT).")
    QueryModel model;

    @Option(names = "--match", paramLabel = "KEY=VALUE", description = "A matching key by keyword, e.g."
            + " PatientName=DOE^* (repeatable). KEY= asks for the attribute as a return key.")
    List<String> match = new ArrayList<>();

    @Option(names = "--limit", description = "Stop (C-CANCEL) after this many matches (default: ${DEFAULT-VALUE}).")
    int limit = 1000;

    @Option(names = "--json", description = "Print the matches as a DICOM JSON array.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Map<String, String> keys = new LinkedHashMap<>();
        for (String m : match) {
            int eq = m.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--match needs KEY=VALUE, not '" + m + "'");
            }
            keys.put(m.substring(0, eq).strip(), m.substring(eq + 1));
        }
        QueryModel qm = model != null ? model : level == QueryLevel.PATIENT ? QueryModel.PATIENT_ROOT
                : QueryModel.STUDY_ROOT;
        Query q = Query.of(qm, level, keys);
        FindResult r;
        try (Association a = target.open(
                AssociationRequest.of(target.callingAe(), target.calledAe(), PresentationContexts.queryRetrieve(qm)))) {
            r = a.find(q, limit, m -> { });
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.print("[");
            for (int i = 0; i < r.matches().size(); i++) {
                out.print((i == 0 ? "" : ",") + DicomJson.toJson(r.matches().get(i)));
            }
            out.println("]");
        } else {
            for (DicomObject m : r.matches()) {
                StringBuilder line = new StringBuilder();
                for (DicomElement e : m) {
                    if (e.vr() == VR.SQ || (e.tag() >>> 16) == 0x0008 && (e.tag() & 0xFFFF) == 0x0005) {
                        continue;
                    }
                    String kw = DataDictionary.standard().keyword(e.tag()).orElse(
                            dev.deliberate.medical.dicom.Tag.toString(e.tag()));
                    line.append(line.length() == 0 ? "" : "  ").append(kw).append('=')
                            .append(String.join("\\", e.strings()));
                }
                out.println(line);
            }
        }
        out.flush();
        PrintWriter err = spec.commandLine().getErr();
        err.printf("%d matches, status %s%s%n", r.matches().size(), r.status(), r.cancelled() ? " (cancelled at"
                + " --limit)" : "");
        err.flush();
        return r.status().ok() || r.cancelled() ? 0 : 1;
    }
}
