package dev.deliberate.cli.core;

import dev.deliberate.core.audit.AuditTrail;
import dev.deliberate.core.audit.AuditVerification;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code deliberate audit}: the audit-trail command group. */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = "Work with audit trails written by --audit.",
        subcommands = {AuditCommand.Verify.class})
public final class AuditCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Without a subcommand, prints the group's usage. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code deliberate audit verify FILE}. */
    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            description = {
                "Checks an audit trail's hash chain and names the first bad line.",
                "Exit status: 0 valid, 3 tampered (a record changed, deleted, inserted or reordered), 4 torn (the"
                        + " last line is incomplete: a write was interrupted), 1 when the file cannot be read."
            })
    public static final class Verify implements Callable<Integer> {

        /** Exit status of a tampered trail. */
        static final int TAMPERED = 3;
        /** Exit status of a torn trail. */
        static final int TORN = 4;

        @Parameters(index = "0", paramLabel = "FILE", description = "The audit trail (JSON Lines).")
        Path file;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            if (!Files.isRegularFile(file)) {
                throw new CommandFailedException("audit trail not found: " + file);
            }
            AuditVerification v = AuditTrail.verify(file);
            switch (v.status()) {
                case VALID -> out.println("valid: " + file + ": " + v.records() + " records, chain "
                        + v.chain().orElse("(empty)") + v.lastHash().map(h -> ", last hash " + h).orElse(""));
                case TAMPERED -> out.println("TAMPERED: " + file + " line " + v.badLine().getAsLong() + ": "
                        + v.message());
                case TORN -> out.println("TORN: " + file + " line " + v.badLine().getAsLong() + ": " + v.message());
                default -> throw new IllegalStateException(v.status().name());
            }
            out.flush();
            return switch (v.status()) {
                case VALID -> 0;
                case TAMPERED -> TAMPERED;
                case TORN -> TORN;
            };
        }
    }
}
