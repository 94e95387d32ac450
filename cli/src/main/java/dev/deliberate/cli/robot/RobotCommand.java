package dev.deliberate.cli.robot;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code deliberate robot ...}: reasoning for robots (ROS 2 through rosbridge). */
@Command(
        name = "robot",
        mixinStandardHelpOptions = true,
        description = "Reasoning for robots: serve a ROS 2 action with deadlines and a safe fallback.",
        subcommands = {ServeCommand.class})
public final class RobotCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Prints the group's usage. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
