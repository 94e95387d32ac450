package dev.deliberate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SubcommandPathTest {

    private static CommandLine build(String... args) throws Exception {
        return SubcommandPath.build(Main.class, args, Set.of("--debug"), CommandLine.defaultFactory());
    }

    @Test
    void aNamedSubcommandPathBuildsOnlyThatPath() throws Exception {
        CommandLine cli = build("dicom", "scan", "/some/dir", "--threads", "2");
        assertEquals("deliberate", cli.getCommandName());
        assertEquals(Set.of("dicom"), cli.getSubcommands().keySet());
        CommandLine dicom = cli.getSubcommands().get("dicom");
        assertEquals(Set.of("scan"), dicom.getSubcommands().keySet());
        // the inherited --debug option and the scan command's own options are all there
        assertTrue(dicom.getSubcommands().get("scan").getCommandSpec().findOption("--debug") != null);
        assertTrue(dicom.getSubcommands().get("scan").getCommandSpec().findOption("--threads") != null);
        assertEquals(Set.of("dicom"), build("--debug", "dicom", "scan").getSubcommands().keySet());
    }

    @Test
    void anythingElseBuildsTheFullLevel() throws Exception {
        int all = new CommandLine(new Main()).getSubcommands().size();
        assertEquals(all, build().getSubcommands().size());
        assertEquals(all, build("--version").getSubcommands().size());
        assertEquals(all, build("help", "dicom").getSubcommands().size());
        assertEquals(all, build("dicmo", "scan").getSubcommands().size());
        int dicomAll = new CommandLine(new Main()).getSubcommands().get("dicom").getSubcommands().size();
        assertEquals(dicomAll, build("dicom").getSubcommands().get("dicom").getSubcommands().size());
        assertEquals(dicomAll, build("dicom", "--help").getSubcommands().get("dicom").getSubcommands().size());
        assertEquals(dicomAll, build("dicom", "sacn").getSubcommands().get("dicom").getSubcommands().size());
    }

    @Test
    void theLeanTreeReportsUsageErrorsLikeTheFullOne() throws Exception {
        String lean = usageError(build("dicom", "scan"), "dicom", "scan");
        String full = usageError(new CommandLine(new Main()), "dicom", "scan");
        assertTrue(lean.contains("Missing required parameter: 'DIR'"), lean);
        assertTrue(lean.contains("Usage: deliberate dicom scan"), lean);
        assertEquals(full, lean);
    }

    private static String usageError(CommandLine cli, String... args) {
        java.io.StringWriter err = new java.io.StringWriter();
        cli.setErr(new java.io.PrintWriter(err));
        assertEquals(2, cli.execute(args));
        return err.toString();
    }

    @Test
    void aCommandWithAKeyFileButNoModelRunsThroughMain(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
        // ConfigDefaults.check once failed with a NullPointerException on --key-file without --model (exit code 1,
        // "unexpected error"); a missing input is a usage error (2)
        java.util.Map<String, String> env = java.util.Map.of("XDG_CONFIG_HOME", tmp.resolve("config").toString());
        assertEquals(2, Main.execute(env, "dicom", "deid", tmp.resolve("missing").toString(),
                tmp.resolve("out").toString()));
    }
}
