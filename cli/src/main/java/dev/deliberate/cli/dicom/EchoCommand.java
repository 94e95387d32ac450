package dev.deliberate.cli.dicom;

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
        return DimseRuns.echo(target, spec.commandLine().getOut());
    }
}
