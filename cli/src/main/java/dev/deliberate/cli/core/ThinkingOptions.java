package dev.deliberate.cli.core;

import java.util.OptionalInt;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --thinking-budget}, shared by {@code reason}, {@code council} and {@code cascade}. */
public final class ThinkingOptions {

    @Option(names = "--thinking-budget", paramLabel = "N",
            description = "Most thinking tokens, 0 answers at once: of the call (reason; default: as many as the"
                    + " context allows), of the whole council split over stages and members (council), of the"
                    + " deep step (cascade; default 1024).")
    Integer thinkingBudget;

    /** @throws CommandLine.ParameterException for a negative budget */
    public void check(CommandLine cl) {
        if (thinkingBudget != null && thinkingBudget < 0) {
            throw new CommandLine.ParameterException(cl, "--thinking-budget must be >= 0, got " + thinkingBudget);
        }
    }

    /** {@code --thinking-budget}, when given. */
    public OptionalInt budget() {
        return thinkingBudget == null ? OptionalInt.empty() : OptionalInt.of(thinkingBudget);
    }
}
