package dev.deliberate.cli.dicom;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code deliberate dicom}: the DICOM command group. Subcommands are listed here; areas built on the DICOM data layer
 * (de-identification, rendering, structured reports) add theirs to this list.
 */
@Command(
        name = "dicom",
        mixinStandardHelpOptions = true,
        description = "Read, inspect, de-identify and render DICOM files; write SR reports.",
        subcommands = {
            DumpCommand.class,
            ScanCommand.class,
            DeidCommand.class,
            RenderCommand.class,
            SrCommand.class,
            dev.deliberate.cli.dicom.web.WebCommand.class,
            ListenCommand.class,
            EchoCommand.class,
            SendCommand.class,
            FindCommand.class,
            MoveCommand.class,
        })
public final class DicomCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Without a subcommand, prints the group's usage. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
