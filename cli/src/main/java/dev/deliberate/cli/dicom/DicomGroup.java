package dev.deliberate.cli.dicom;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code dicom} group without its subcommands (they are on {@link DicomCommand}). */
@Command(
        name = DicomGroup.NAME,
        mixinStandardHelpOptions = true,
        description = "Read, inspect, de-identify and render DICOM files; write SR reports.")
class DicomGroup implements Runnable {
    /** The group's name. */
    static final String NAME = "dicom";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Without a subcommand, prints the group's usage. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
