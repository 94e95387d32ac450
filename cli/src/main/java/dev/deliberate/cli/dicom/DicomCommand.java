package dev.deliberate.cli.dicom;

import picocli.CommandLine.Command;

/**
 * {@code deliberate dicom}: the DICOM command group. Subcommands are listed here; areas built on the DICOM data layer
 * (de-identification, rendering, structured reports) add theirs to this list. The group's name and description are
 * on {@link DicomGroup}, so that {@code deliberate dicom scan} builds only the scan command.
 */
@Command(
        name = DicomGroup.NAME, // picocli reads a subcommand's name from its own class
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
            GetCommand.class,
        })
public final class DicomCommand extends DicomGroup {
}
