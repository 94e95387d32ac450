package dev.deliberate.cli.core;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine;

/** Reads durations such as {@code 5s}, {@code 250ms}, {@code 1.5s}, {@code 2m} or ISO-8601 {@code PT5S}. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("pt")) {
                return check(Duration.parse(value.trim()), value);
            }
            double n;
            double unitMillis;
            if (v.endsWith("ms")) {
                n = Double.parseDouble(v.substring(0, v.length() - 2));
                unitMillis = 1;
            } else if (v.endsWith("s")) {
                n = Double.parseDouble(v.substring(0, v.length() - 1));
                unitMillis = 1000;
            } else if (v.endsWith("m")) {
                n = Double.parseDouble(v.substring(0, v.length() - 1));
                unitMillis = 60_000;
            } else {
                throw new CommandLine.TypeConversionException("'" + value
                        + "' is not a duration; write e.g. 5s, 250ms or 2m");
            }
            if (!(n >= 0) || n * unitMillis > 86_400_000d) {
                throw new CommandLine.TypeConversionException("'" + value + "' is out of range (0 to 24 h)");
            }
            return check(Duration.ofNanos(Math.round(n * unitMillis * 1_000_000d)), value);
        } catch (NumberFormatException | java.time.format.DateTimeParseException e) {
            throw new CommandLine.TypeConversionException("'" + value
                    + "' is not a duration; write e.g. 5s, 250ms or 2m");
        }
    }

    private static Duration check(Duration d, String value) {
        if (d.isNegative()) {
            throw new CommandLine.TypeConversionException("'" + value + "' is negative");
        }
        return d;
    }
}
