package dev.deliberate.cli.dicom.web;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code deliberate dicom web}: store, search and retrieve over DICOMweb (STOW-RS, QIDO-RS, WADO-RS). */
@Command(name = "web", mixinStandardHelpOptions = true,
        description = "Store, search and retrieve DICOM over DICOMweb (STOW-RS, QIDO-RS, WADO-RS).",
        subcommands = {WebStoreCommand.class, WebSearchCommand.class, WebGetCommand.class})
public final class WebCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Without a subcommand, prints the group's usage. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
