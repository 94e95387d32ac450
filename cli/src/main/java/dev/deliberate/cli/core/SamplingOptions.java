package dev.deliberate.cli.core;

import dev.deliberate.core.Sampling;
import java.util.OptionalLong;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --seed} and {@code --temperature}, shared by the commands that ask models ({@code reason}, {@code council},
 * {@code cascade}). */
public final class SamplingOptions {

    @Option(names = "--seed", paramLabel = "N",
            description = "Sampling seed, for repeatable output (council: member i gets N+i).")
    Long seed;

    @Option(names = "--temperature", paramLabel = "T", description = "Sampling temperature, 0 to 2 (default 0.6).")
    Double temperature;

    /** @throws CommandLine.ParameterException for a temperature outside [0, 2] */
    public void check(CommandLine cl) {
        if (temperature != null && !(temperature >= 0 && temperature <= 2)) {
            throw new CommandLine.ParameterException(cl, "--temperature must be in [0, 2], got " + temperature);
        }
    }

    /** The default sampling with {@code --temperature} applied, without the seed. */
    public Sampling base() {
        return temperature == null ? Sampling.defaults() : Sampling.defaults().withTemperature(temperature);
    }

    /** {@link #base()} with {@code --seed} when given. */
    public Sampling sampling() {
        return seed == null ? base() : base().withSeed(seed);
    }

    /** {@code --seed}, when given. */
    public OptionalLong seed() {
        return seed == null ? OptionalLong.empty() : OptionalLong.of(seed);
    }
}
