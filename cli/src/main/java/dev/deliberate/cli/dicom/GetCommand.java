package dev.deliberate.cli.dicom;

import dev.deliberate.medical.net.Association;
import dev.deliberate.medical.net.AssociationRequest;
import dev.deliberate.medical.net.GetResult;
import dev.deliberate.medical.net.PresentationContexts;
import dev.deliberate.medical.net.QueryModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code deliberate dicom get --study UID --dir DIR}: C-GET, the instances coming back on the same association. */
@Command(name = "get", mixinStandardHelpOptions = true,
        description = "Retrieve a study with C-GET into DIR/STUDY_UID/SOP_INSTANCE_UID.dcm (no listener needed: the"
                + " peer sends the instances back on the same association).")
public final class GetCommand implements Callable<Integer> {
    @CommandLine.Mixin
    DimseTarget target = new DimseTarget();

    @Option(names = "--study", paramLabel = "UID", required = true, description = "The Study Instance UID.")
    String study;

    @Option(names = "--dir", paramLabel = "DIR", required = true, description = "Where to store what arrives.")
    Path dir;

    @Option(names = "--sop-class", paramLabel = "UID", description = "A storage SOP class to accept (repeatable; "
            + "default: the common image, RT, SR and document classes).")
    List<String> sopClasses = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<String> classes = sopClasses.isEmpty() ? PresentationContexts.COMMON_STORAGE_SOP_CLASSES : sopClasses;
        GetResult r;
        try (Association a = target.open(new AssociationRequest(target.callingAe(), target.calledAe(),
                PresentationContexts.retrieveWithGet(QueryModel.STUDY_ROOT, classes),
                PresentationContexts.scpRoles(classes)))) {
            r = a.getStudy(study, dir);
        }
        spec.commandLine().getOut().printf("C-GET of %s from %s: %s, %d completed, %d failed, %d warnings; %d stored"
                + " in %s%n", study, target.where(), r.status(), r.completed(), r.failed(), r.warning(),
                r.stored().size(), dir);
        spec.commandLine().getOut().flush();
        return r.status().ok() && r.failed() == 0 && r.refused() == 0 ? 0 : 1;
    }
}
