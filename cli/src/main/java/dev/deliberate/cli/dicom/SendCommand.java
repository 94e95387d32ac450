package dev.deliberate.cli.dicom;

import dev.deliberate.medical.net.AssociationOptions;
import dev.deliberate.medical.net.StoreScu;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code deliberate dicom send FILE|DIR...}: C-STORE every file, each in its own transfer syntax. */
@Command(name = "send", mixinStandardHelpOptions = true,
        description = "Send DICOM files (folders recursively) to a storage SCP with C-STORE, as they are.")
public final class SendCommand implements Callable<Integer> {
    @CommandLine.Mixin
    DimseTarget target = new DimseTarget();

    @Parameters(arity = "1..*", paramLabel = "FILE|DIR", description = "Files or folders to send.")
    List<Path> paths;

    @Option(names = "--quiet", description = "No progress lines, only the summary.")
    boolean quiet;

    @Option(names = "--associations", paramLabel = "N", description = "Associations at once, 1 to "
            + StoreScu.MAX_ASSOCIATIONS + " (default: 1, one after the other like storescu). More pay off for many"
            + " files when the SCP accepts them; extra ones it refuses are not an error.")
    int associations = 1;

    @Option(names = "--max-ops", paramLabel = "N", description = "C-STORE requests on the wire before the first answer"
            + " is awaited, 1 to " + AssociationOptions.MAX_OPERATIONS + ", when the SCP agrees (the asynchronous"
            + " operations window; DCMTK and Orthanc answer one at a time, whatever is asked). 1: synchronous"
            + " (default: ${DEFAULT-VALUE}).")
    int maxOperations = AssociationOptions.defaults().maxOperations();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (associations < 1 || associations > StoreScu.MAX_ASSOCIATIONS) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--associations must be between 1 and "
                    + StoreScu.MAX_ASSOCIATIONS + ", got " + associations);
        }
        if (maxOperations < 1 || maxOperations > AssociationOptions.MAX_OPERATIONS) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-ops must be between 1 and "
                    + AssociationOptions.MAX_OPERATIONS + ", got " + maxOperations);
        }
        return DimseRuns.send(target, paths, quiet, associations, maxOperations, spec.commandLine().getOut(),
                spec.commandLine().getErr());
    }
}
