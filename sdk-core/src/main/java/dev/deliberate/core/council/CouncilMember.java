package dev.deliberate.core.council;

import dev.deliberate.core.InvalidRequestException;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.Sampling;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One member of a council: a named {@link ReasoningModel}, local or remote, optionally with its own sampling (for
 * self-consistency: the same model with different seeds or temperatures as several members). The council does not
 * own the model: close it yourself.
 *
 * @param name     unique within the council; shown in events, results and the audit trail
 * @param model    the model
 * @param sampling sampling that replaces the request's for this member, if any
 * @param local    whether the member generates on this machine (counts against the cap on concurrent local
 *                 generations)
 */
public record CouncilMember(String name, ReasoningModel model, Optional<Sampling> sampling, boolean local) {

    /** Validates. */
    public CouncilMember {
        Objects.requireNonNull(name, "name");
        if (name.isBlank() || name.length() > 200) {
            throw new InvalidRequestException("council member name must be 1 to 200 characters, got '" + name + "'");
        }
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(sampling, "sampling");
    }

    /** A member using the request's sampling; local when the model was loaded from a file. */
    public static CouncilMember of(String name, ReasoningModel model) {
        return new CouncilMember(name, model, Optional.empty(), model.info().file().isPresent());
    }

    /** This member with its own sampling. */
    public CouncilMember withSampling(Sampling memberSampling) {
        return new CouncilMember(name, model, Optional.of(memberSampling), local);
    }

    /** This member, counted as local (or not) for the concurrency cap. */
    public CouncilMember withLocal(boolean isLocal) {
        return new CouncilMember(name, model, sampling, isLocal);
    }

    /**
     * Self-consistency: one model as several members, each with {@code base} sampling and its own seed, named
     * {@code baseName#1}, {@code baseName#2}, ...
     */
    public static List<CouncilMember> selfConsistency(String baseName, ReasoningModel model, Sampling base,
            long... seeds) {
        if (seeds.length == 0) {
            throw new InvalidRequestException("self-consistency needs at least one seed");
        }
        List<CouncilMember> out = new ArrayList<>();
        for (int i = 0; i < seeds.length; i++) {
            out.add(of(baseName + "#" + (i + 1), model).withSampling(base.withSeed(seeds[i])));
        }
        return out;
    }

    /** Self-consistency over samplings: one member per sampling (e.g. different temperatures). */
    public static List<CouncilMember> selfConsistency(String baseName, ReasoningModel model, List<Sampling> samplings) {
        if (samplings.isEmpty()) {
            throw new InvalidRequestException("self-consistency needs at least one sampling");
        }
        List<CouncilMember> out = new ArrayList<>();
        for (int i = 0; i < samplings.size(); i++) {
            out.add(of(baseName + "#" + (i + 1), model).withSampling(samplings.get(i)));
        }
        return out;
    }
}
