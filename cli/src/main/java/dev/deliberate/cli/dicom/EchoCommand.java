package dev.deliberate.cli.dicom;

import dev.deliberate.medical.net.Association;
import dev.deliberate.medical.net.AssociationRequest;
import dev.deliberate.medical.net.DimseStatus;
import dev.deliberate.medical.net.PresentationContexts;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code deliberate dicom echo}: C-ECHO, the DICOM ping. */
@Command(name = "echo", mixinStandardHelpOptions = true, description = "Verify a DICOM peer with C-ECHO.")
public final class EchoCommand implements Callable<Integer> {
    @CommandLine.Mixin
    DimseTarget target = new DimseTarget();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        long start = System.nanoTime();
        AssociationRequest rq = AssociationRequest.of(target.callingAe(), target.calledAe(),
                PresentationContexts.verification());
        try (Association a = target.open(rq)) {
            DimseStatus s = a.echo();
            long ms = (System.nanoTime() - start) / 1_000_000;
            spec.commandLine().getOut().printf("C-ECHO %s: %s in %d ms%n", target.where(), s, ms);
            spec.commandLine().getOut().flush();
            return s.ok() ? 0 : 1;
        }
    }
}
