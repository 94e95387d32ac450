package dev.deliberate.cli.core;

import dev.deliberate.core.Sampling;
import dev.deliberate.core.council.Council;
import dev.deliberate.core.council.CouncilMember;
import dev.deliberate.core.council.CouncilOptions;
import dev.deliberate.core.profile.DomainProfile;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The council flags shared by {@code council} and {@code cascade} (whose last step is a council): {@code --member},
 * {@code --quorum}, {@code --threshold}, {@code --deadline}.
 */
public final class CouncilSettings {

    @Option(names = "--member", paramLabel = "MODEL",
            description = "A council member: a .gguf file or an endpoint URL (anything --model accepts). Repeat; the"
                    + " same model given twice is one model with two seeds.")
    List<String> members = List.of();

    @Option(names = "--quorum", paramLabel = "N", defaultValue = "0",
            description = "Least number of valid council answers (default: a majority of the members).")
    int quorum;

    @Option(names = "--threshold", paramLabel = "X", defaultValue = "" + CouncilOptions.DEFAULT_THRESHOLD,
            description = "Council agreement below this is a disagreement (default: ${DEFAULT-VALUE}).")
    double threshold;

    @Option(names = "--deadline", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Time for the council (in a cascade: its council step), e.g. 30s; split over the stages,"
                    + " late members are cancelled.")
    Duration deadline;

    /** The {@code --member} locators, in order (empty when none is given). */
    public List<String> members() {
        return members;
    }

    /** {@code --deadline}, when given. */
    public Optional<Duration> deadline() {
        return Optional.ofNullable(deadline);
    }

    /**
     * Checks the values against each other.
     *
     * @param required whether at least one member must be given
     * @throws CommandLine.ParameterException naming the bad option (exit code 2)
     */
    public void check(CommandLine cl, boolean required) {
        if (required && members.isEmpty()) {
            throw new CommandLine.ParameterException(cl, "Missing required option: '--member=MODEL'");
        }
        if (quorum < 0 || (!members.isEmpty() && quorum > members.size())) {
            throw new CommandLine.ParameterException(cl, "--quorum must be in [0, " + members.size() + "], got "
                    + quorum);
        }
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new CommandLine.ParameterException(cl, "--threshold must be in [0, 1], got " + threshold);
        }
        if (deadline != null && deadline.isZero()) {
            throw new CommandLine.ParameterException(cl, "--deadline must be positive");
        }
    }

    /** Council options with the quorum, threshold and deadline of these flags. */
    public CouncilOptions.Builder options() {
        return options(Optional.empty(), null);
    }

    /**
     * Council options: the profile's quorum and disagreement threshold when there is a profile, each replaced by
     * {@code --quorum} or {@code --threshold} when given on the command line; the deadline of {@code --deadline}.
     *
     * @param parsed the command's parse result (which options were given); may be null without a profile
     */
    public CouncilOptions.Builder options(Optional<DomainProfile> domain, CommandLine.ParseResult parsed) {
        CouncilOptions.Builder ob;
        if (domain.isPresent()) {
            ob = domain.get().councilOptions();
            if (parsed.hasMatchedOption("--quorum")) {
                ob.quorum(quorum);
            }
            if (parsed.hasMatchedOption("--threshold")) {
                ob.threshold(threshold);
            }
        } else {
            ob = CouncilOptions.builder().quorum(quorum).threshold(threshold);
        }
        if (deadline != null) {
            ob.deadline(deadline);
        }
        return ob;
    }

    /**
     * A council builder with one member per {@code --member}, named by {@link OpenModels#memberNames}.
     *
     * @param samplingOf member index to its sampling, or null to keep the request's
     */
    Council.Builder council(OpenModels models, CouncilOptions options, IntFunction<Sampling> samplingOf) {
        Council.Builder cb = Council.builder().options(options);
        List<String> names = OpenModels.memberNames(members);
        for (int i = 0; i < members.size(); i++) {
            CouncilMember m = CouncilMember.of(names.get(i), models.get(members.get(i)));
            Sampling s = samplingOf.apply(i);
            cb.member(s == null ? m : m.withSampling(s));
        }
        return cb;
    }
}
