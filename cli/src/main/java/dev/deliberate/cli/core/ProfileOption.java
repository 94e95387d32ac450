package dev.deliberate.cli.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.core.profile.DomainProfile;
import dev.deliberate.core.profile.SafetyRules;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code --profile DIR}: a domain profile bundle for {@code reason}, {@code council}, {@code cascade} and
 * {@code serve}. Its system prompt (with glossary and worked examples), answer schema and default budgets shape the
 * request; its council and cascade settings configure those; its safety rules judge the answer. Options given on the
 * command line override its budgets and settings. See docs/profiles.md.
 */
public final class ProfileOption {

    @Option(names = "--profile", paramLabel = "DIR",
            description = "A domain profile bundle: its system prompt, glossary, examples, answer schema and default"
                    + " budgets shape the request, its council and cascade settings apply (options given here"
                    + " override them); its safety rules judge the answer. See docs/profiles.md.")
    Path profile;

    /** Whether {@code --profile} was given. */
    public boolean given() {
        return profile != null;
    }

    /**
     * Fails when {@code --profile} is combined with {@code --schema} or {@code --system}, which it replaces.
     *
     * @throws CommandLine.ParameterException (exit code 2)
     */
    void checkAgainst(CommandLine cl, AnswerOptions answer) {
        if (profile != null && (answer.schema().isPresent() || answer.system().isPresent())) {
            throw new CommandLine.ParameterException(cl, "--profile brings its own system prompt and answer schema:"
                    + " do not combine it with --schema or --system");
        }
    }

    /**
     * The profile, loaded and validated, when {@code --profile} was given.
     *
     * @throws dev.deliberate.core.profile.ProfileException naming the file and line of a bad bundle
     */
    public Optional<DomainProfile> load() {
        if (profile == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(DomainProfile.load(profile));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Prints what the profile's safety rules say of {@code answer} to {@code err}, one line per finding. */
    static void reportSafety(PrintWriter err, DomainProfile domain, JsonNode answer) {
        if (!answer.isObject()) {
            return; // a text answer has no fields to judge
        }
        SafetyRules.SafetyVerdict verdict = domain.safety().judge(answer);
        verdict.violations().forEach(v -> err.println("safety (" + domain.id() + "): VIOLATION: "
                + TerminalText.sanitize(v)));
        verdict.escalations().forEach(v -> err.println("safety (" + domain.id() + "): ESCALATE: "
                + TerminalText.sanitize(v)));
    }
}
