package dev.deliberate.server;

import dev.deliberate.core.InvalidRequestException;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * The thinking budgets (in tokens) that the request field {@code reasoning_effort} selects: {@code low},
 * {@code medium} and {@code high}; {@code minimal} and {@code none} mean no thinking. A request that sets neither
 * {@code reasoning_effort} nor {@code thinking_budget} gets the {@code medium} budget.
 *
 * @param low    tokens for {@code low}
 * @param medium tokens for {@code medium}, the default
 * @param high   tokens for {@code high}
 */
public record ReasoningEfforts(int low, int medium, int high) {

    /** Rejects negative or decreasing budgets. */
    public ReasoningEfforts {
        if (low < 0 || medium < low || high < medium) {
            throw new InvalidRequestException("reasoning effort budgets must satisfy 0 <= low <= medium <= high, got "
                    + low + ", " + medium + ", " + high);
        }
    }

    /** 256, 1024 and 4096 thinking tokens. */
    public static ReasoningEfforts defaults() {
        return new ReasoningEfforts(256, 1024, 4096);
    }

    /** Parses {@code LOW,MEDIUM,HIGH}, e.g. {@code 256,1024,4096}. */
    public static ReasoningEfforts parse(String text) {
        String[] parts = text.split(",", -1);
        if (parts.length != 3) {
            throw new InvalidRequestException("reasoning effort budgets must be LOW,MEDIUM,HIGH tokens, got '" + text
                    + "'");
        }
        try {
            return new ReasoningEfforts(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()),
                    Integer.parseInt(parts[2].trim()));
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("reasoning effort budgets must be whole numbers, got '" + text + "'", e);
        }
    }

    /** The budget for an effort name (any case); empty for a name that is not an effort. */
    public OptionalInt budgetFor(String effort) {
        return switch (effort.toLowerCase(Locale.ROOT)) {
            case "none", "minimal" -> OptionalInt.of(0);
            case "low" -> OptionalInt.of(low);
            case "medium" -> OptionalInt.of(medium);
            case "high" -> OptionalInt.of(high);
            default -> OptionalInt.empty();
        };
    }
}
