package dev.deliberate.samples.radiology;

import dev.deliberate.core.DeliberateException;
import dev.deliberate.core.ModelLocator;
import dev.deliberate.core.Reasoning;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Command line of the radiology second-look sample: reads a DICOM study, de-identifies it, asks a local reasoning
 * model for a structured second look and writes it back as a DICOM Comprehensive SR.
 *
 * <p>INPUT is a Part 10 file or a folder of one study (default: pydicom's {@code CT_small.dcm}); the salt comes from
 * {@code --salt}, {@code --salt-file} or the environment variable {@value #SALT_ENV}. Exit codes: 0 done, 1 the run
 * failed (the message says why), 2 bad arguments.
 */
@Command(
        name = "radiology-second-look",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Reads a DICOM study, de-identifies it, asks a reasoning model for a structured second look and writes it"
                    + " back as a DICOM Comprehensive SR (marked UNVERIFIED).",
            "Exit codes: 0 done, 1 the run failed (the message says why), 2 bad arguments."
        })
public final class SecondLookApp implements Callable<Integer> {

    /** The environment variable holding the de-identification salt. */
    public static final String SALT_ENV = "DELIBERATE_DEID_SALT";
    /** The default input: a CT from the pydicom test corpus (installed by {@code python3-pydicom}). */
    public static final Path DEFAULT_INPUT =
            Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm");
    /** The largest salt file read. */
    static final int MAX_SALT_FILE_BYTES = 4096;

    @Parameters(index = "0", arity = "0..1", paramLabel = "INPUT",
            description = "A DICOM Part 10 file or a folder of one study (default: pydicom's CT_small.dcm).")
    Path input;

    @Option(names = "--model", paramLabel = "MODEL",
            description = "A .gguf reasoning model, or a locator an installed backend accepts (default: the tiny"
                    + " random-weight test model, made in --model-cache).")
    String model;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "second-look-out",
            description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--salt", paramLabel = "SECRET",
            description = "De-identification secret, at least 8 bytes (default: $" + SALT_ENV + "; without either"
                    + " a random salt is used and said so).")
    String salt;

    @Option(names = "--salt-file", paramLabel = "FILE",
            description = "Read the secret from this file (one line; the trailing line break is dropped).")
    Path saltFile;

    @Option(names = "--png", description = "Also render the first de-identified frame to frame.png.")
    boolean png;

    @Option(names = "--thinking-tokens", paramLabel = "N",
            defaultValue = "" + SecondLookOptions.DEFAULT_THINKING_TOKENS,
            description = "Most thinking tokens (default: ${DEFAULT-VALUE}).")
    int thinkingTokens;

    @Option(names = "--deadline-s", paramLabel = "N", defaultValue = "60",
            description = "Most seconds of thinking; the answer still comes (default: ${DEFAULT-VALUE}).")
    int deadlineSeconds;

    @Option(names = "--answer-tokens", paramLabel = "N", defaultValue = "" + SecondLookOptions.DEFAULT_ANSWER_TOKENS,
            description = "Most answer tokens (default: ${DEFAULT-VALUE}).")
    int answerTokens;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--model-cache", paramLabel = "DIR",
            description = "Where the tiny test model is made once (default: ~/.cache/deliberate/models).")
    Path modelCache;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Map<String, String> env;
    private final PrintStream console;

    private SecondLookApp(Map<String, String> env, PrintStream console) {
        this.env = env;
        this.console = console;
    }

    /** Runs the sample and exits with its exit code. */
    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    /**
     * Runs the sample without exiting: for tests and embedding.
     *
     * @param env the environment (for the salt variable)
     * @return the exit code: 0 done, 1 the run failed, 2 bad arguments
     */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new SecondLookApp(env, out));
        cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cli.setParameterExceptionHandler((e, arguments) -> usageError(e));
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            if (e instanceof CommandLine.ParameterException p) {
                return usageError(p); // a value checked after parsing (salt, bounds)
            }
            PrintWriter w = commandLine.getErr();
            // the message says what failed and where; the exception's class name is for developers, not users
            if (e instanceof DeliberateException || e instanceof IOException) {
                w.println("error: " + e.getMessage());
            } else {
                w.println("error: unexpected failure (a bug in the sample; please report it):");
                e.printStackTrace(w);
            }
            w.flush();
            return 1;
        });
        return cli.execute(args);
    }

    private static int usageError(CommandLine.ParameterException e) {
        PrintWriter w = e.getCommandLine().getErr();
        w.println("error: " + e.getMessage());
        e.getCommandLine().usage(w);
        w.flush();
        return 2;
    }

    @Override
    public Integer call() throws IOException {
        SecondLookOptions options = options(err());
        SecondLookResult r = new SecondLook(options, console).run();
        print(r, console);
        return 0;
    }

    private PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** The validated options, with the salt resolved; bad values are usage errors (exit code 2). */
    SecondLookOptions options(PrintWriter err) {
        CommandLine cl = spec.commandLine();
        String secret = secret(cl, err);
        Optional<ModelLocator> locator;
        try {
            locator = model == null ? Optional.empty() : Optional.of(ModelLocator.parse(model));
            if (deadlineSeconds < 1) {
                throw new IllegalArgumentException("--deadline-s must be at least 1, got " + deadlineSeconds);
            }
            return new SecondLookOptions(input == null ? DEFAULT_INPUT : input, locator,
                    modelCache == null ? SecondLookOptions.defaultModelCache() : modelCache, out, secret,
                    thinkingTokens, Duration.ofSeconds(deadlineSeconds), answerTokens, seed, png);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
    }

    /**
     * The de-identification secret. An empty one is an error wherever it comes from: {@code --salt "$(cat FILE)"}
     * with a missing FILE passes an empty string, and carrying on with a random salt would silently break the link
     * between runs about the same study.
     */
    private String secret(CommandLine cl, PrintWriter err) {
        if (salt != null && saltFile != null) {
            throw new CommandLine.ParameterException(cl, "give --salt or --salt-file, not both");
        }
        if (saltFile != null) {
            return readSaltFile(cl, saltFile);
        }
        if (salt != null) {
            if (salt.isEmpty()) {
                throw new CommandLine.ParameterException(cl, "--salt is empty (if it came from \"$(cat FILE)\","
                        + " that file is missing or empty; --salt-file FILE says which)");
            }
            return salt;
        }
        String fromEnv = env.get(SALT_ENV);
        if (fromEnv != null) {
            if (fromEnv.isEmpty()) {
                throw new CommandLine.ParameterException(cl, "$" + SALT_ENV + " is set but empty");
            }
            return fromEnv;
        }
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        err.println("note: no --salt, --salt-file or $" + SALT_ENV + ": using a random salt, so de-identified UIDs"
                + " differ on every run (set one to link runs about the same study)");
        return HexFormat.of().formatHex(b);
    }

    private static String readSaltFile(CommandLine cl, Path file) {
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) {
                throw new CommandLine.ParameterException(cl, "--salt-file " + file + ": is a directory");
            }
            if (Files.size(file) > MAX_SALT_FILE_BYTES) {
                throw new CommandLine.ParameterException(cl, "--salt-file " + file + ": larger than "
                        + MAX_SALT_FILE_BYTES + " bytes; a salt is one line");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CommandLine.ParameterException(cl, "--salt-file " + file + ": no such file");
        } catch (IOException e) {
            throw new CommandLine.ParameterException(cl, "--salt-file " + file + ": cannot be read ("
                    + e.getMessage() + ")");
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        String secret = text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
                : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        if (secret.isEmpty()) {
            throw new CommandLine.ParameterException(cl, "--salt-file " + file + ": is empty");
        }
        return secret;
    }

    private static void print(SecondLookResult r, PrintStream out) {
        Reasoning g = r.reasoning();
        out.println();
        out.println("findings:    " + r.answer().findings());
        out.println("impression:  " + r.answer().impression());
        out.println("urgency:     " + r.answer().urgency().json());
        if (r.randomWeights()) {
            out.println("             (random words from the random-weight test model, not a reading)");
        }
        out.printf("thinking:    %d tokens, finish %s%n", g.usage().thinkingTokens(), g.finish());
        out.printf("tokens:      prompt %d, answer %d%n", g.usage().promptTokens(), g.usage().answerTokens());
        out.printf("timings:     first token %d ms, thinking %d ms, total %d ms, %.1f tokens/s%n",
                g.timings().timeToFirstToken().toMillis(), g.timings().thinking().toMillis(),
                g.timings().total().toMillis(), g.timings().decodeTokensPerSecond());
        out.println("study (de-identified): " + r.deidentifiedStudyUid());
        out.println("SR:          " + r.report());
        out.println("prompt:      " + r.promptFile());
        out.println("de-identified instances: " + r.deidentified().size() + " in "
                + r.report().resolveSibling("deidentified"));
        r.png().ifPresent(p -> out.println("PNG:         " + p));
    }
}
