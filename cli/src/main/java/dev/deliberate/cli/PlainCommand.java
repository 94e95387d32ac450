package dev.deliberate.cli;

import java.io.PrintWriter;

/**
 * A command line that {@link EntryPoint} runs without picocli, its arguments read by {@link PlainArgs}. Running one
 * does what the picocli command does for the same arguments: each picocli command calls the same code.
 */
@FunctionalInterface
public interface PlainCommand {
    /** Runs the command and returns its exit code; an exception is reported as {@code Main} reports it. */
    int run(PrintWriter out, PrintWriter err) throws Exception;
}
