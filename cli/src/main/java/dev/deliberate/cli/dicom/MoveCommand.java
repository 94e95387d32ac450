package dev.deliberate.cli.dicom;

import dev.deliberate.medical.net.AeTitle;
import dev.deliberate.medical.net.Association;
import dev.deliberate.medical.net.AssociationRequest;
import dev.deliberate.medical.net.MoveResult;
import dev.deliberate.medical.net.PresentationContexts;
import dev.deliberate.medical.net.QueryModel;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code deliberate dicom move}: C-MOVE a study to an AE the peer knows. */
@Command(name = "move", mixinStandardHelpOptions = true,
        description = "Ask a DICOM peer to send a study to an AE (C-MOVE), e.g. to a running `dicom listen`.")
public final class MoveCommand implements Callable<Integer> {
    @CommandLine.Mixin
    DimseTarget target = new DimseTarget();

    @Option(names = "--dest", paramLabel = "AE", required = true, description = "The destination AE title.")
    String dest;

    @Option(names = "--study", paramLabel = "UID", required = true, description = "The Study Instance UID.")
    String study;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        MoveResult r;
        try (Association a = target.open(AssociationRequest.of(target.callingAe(),
                target.calledAe(), PresentationContexts.queryRetrieve(QueryModel.STUDY_ROOT)))) {
            r = a.moveStudy(AeTitle.of(dest), study);
        }
        spec.commandLine().getOut().printf("C-MOVE of %s to %s: %s, %d completed, %d failed, %d warnings%n", study,
                dest, r.status(), r.completed(), r.failed(), r.warning());
        spec.commandLine().getOut().flush();
        return r.status().ok() && r.failed() == 0 ? 0 : 1;
    }
}
