package dev.deliberate.samples.radiology;

import dev.deliberate.core.DeliberateException;
import dev.deliberate.core.ModelLocator;
import dev.deliberate.core.Reasoning;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * Command line of the radiology second-look sample: reads a DICOM study, de-identifies it, asks a local reasoning
 * model for a structured second look and writes it back as a DICOM Comprehensive SR.
 *
 * <pre>
 * java -jar radiology-second-look.jar [INPUT] [--model MODEL.gguf] [--out DIR] [--salt SECRET] [--png]
 *      [--thinking-tokens N] [--deadline-s N] [--answer-tokens N] [--seed N] [--model-cache DIR]
 * </pre>
 *
 * <p>INPUT is a Part 10 file or a folder of one study (default: pydicom's {@code CT_small.dcm}); the salt comes from
 * {@code --salt} or the environment variable {@value #SALT_ENV}. Exit codes: 0 done, 1 the run failed (the message
 * says why), 2 bad arguments.
 */
public final class SecondLookApp {

    /** The environment variable holding the de-identification salt. */
    public static final String SALT_ENV = "DELIBERATE_DEID_SALT";
    /** The default input: a CT from the pydicom test corpus (installed by {@code python3-pydicom}). */
    public static final Path DEFAULT_INPUT =
            Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm");

    private static final String USAGE = """
            usage: radiology-second-look [INPUT] [--model MODEL.gguf|URL] [--out DIR] [--salt SECRET] [--png]
                   [--thinking-tokens N] [--deadline-s N] [--answer-tokens N] [--seed N] [--model-cache DIR]
              INPUT            a DICOM Part 10 file or a folder of one study (default: %s)
              --model          a .gguf reasoning model (default: the tiny random-weight test model, made in
                               --model-cache, default ~/.cache/deliberate/models)
              --out            output folder (default: second-look-out)
              --salt           de-identification secret, >= 8 bytes (default: $%s, else a random one per run)
              --png            also render the first de-identified frame to frame.png
              --thinking-tokens, --deadline-s, --answer-tokens: bounds (defaults %d, %d, %d); --seed (default 42)
            """;

    private SecondLookApp() {}

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
        SecondLookOptions options;
        try {
            options = parse(args, env, err);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.printf(USAGE, DEFAULT_INPUT, SALT_ENV, SecondLookOptions.DEFAULT_THINKING_TOKENS,
                    SecondLookOptions.DEFAULT_DEADLINE.toSeconds(), SecondLookOptions.DEFAULT_ANSWER_TOKENS);
            return 2;
        }
        if (options == null) {
            out.printf(USAGE, DEFAULT_INPUT, SALT_ENV, SecondLookOptions.DEFAULT_THINKING_TOKENS,
                    SecondLookOptions.DEFAULT_DEADLINE.toSeconds(), SecondLookOptions.DEFAULT_ANSWER_TOKENS);
            return 0;
        }
        try {
            SecondLookResult r = new SecondLook(options, out).run();
            print(r, out);
            return 0;
        } catch (DeliberateException | IOException e) {
            err.println("error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return 1;
        }
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

    /** Parses the arguments; {@code null} means help was asked for. */
    static SecondLookOptions parse(String[] args, Map<String, String> env, PrintStream err) {
        Path input = null;
        Optional<ModelLocator> model = Optional.empty();
        Path out = Path.of("second-look-out");
        Path cache = SecondLookOptions.defaultModelCache();
        String salt = env.get(SALT_ENV);
        int thinking = SecondLookOptions.DEFAULT_THINKING_TOKENS;
        Duration deadline = SecondLookOptions.DEFAULT_DEADLINE;
        int answer = SecondLookOptions.DEFAULT_ANSWER_TOKENS;
        long seed = 42;
        boolean png = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-h", "--help" -> {
                    return null;
                }
                case "--png" -> png = true;
                case "--model" -> model = Optional.of(ModelLocator.parse(value(args, ++i, a)));
                case "--out" -> out = Path.of(value(args, ++i, a));
                case "--model-cache" -> cache = Path.of(value(args, ++i, a));
                case "--salt" -> salt = value(args, ++i, a);
                case "--thinking-tokens" -> thinking = integer(value(args, ++i, a), a);
                case "--deadline-s" -> deadline = Duration.ofSeconds(integer(value(args, ++i, a), a));
                case "--answer-tokens" -> answer = integer(value(args, ++i, a), a);
                case "--seed" -> seed = integer(value(args, ++i, a), a);
                default -> {
                    if (a.startsWith("-")) {
                        throw new IllegalArgumentException("unknown option " + a);
                    }
                    if (input != null) {
                        throw new IllegalArgumentException("only one INPUT, got " + input + " and " + a);
                    }
                    input = Path.of(a);
                }
            }
        }
        if (salt == null || salt.isEmpty()) {
            byte[] b = new byte[16];
            new SecureRandom().nextBytes(b);
            salt = HexFormat.of().formatHex(b);
            err.println("note: no --salt and no $" + SALT_ENV + ": using a random salt, so de-identified UIDs differ"
                    + " on every run (set one to link runs about the same study)");
        }
        return new SecondLookOptions(input == null ? DEFAULT_INPUT : input, model, cache, out, salt, thinking,
                deadline, answer, seed, png);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int integer(String s, String option) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a whole number, got \"" + s + "\"");
        }
    }
}
