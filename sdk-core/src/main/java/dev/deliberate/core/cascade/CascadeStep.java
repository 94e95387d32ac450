package dev.deliberate.core.cascade;

import dev.deliberate.core.InvalidRequestException;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ThinkingBudget;
import dev.deliberate.core.council.Council;
import java.util.Objects;
import java.util.Optional;

/** One configuration a {@link Cascade} may try. */
public sealed interface CascadeStep permits CascadeStep.Model, CascadeStep.CouncilStep {

    /** How expensive a step is; a novel case skips the {@link #FAST} steps. */
    enum Tier {
        /** A small model or no thinking: the cheap first answer. */
        FAST,
        /** Deep reasoning with a thinking budget. */
        DEEP,
        /** A council of models. */
        COUNCIL
    }

    /** The step's name, shown in the path. */
    String name();

    /** The step's tier. */
    Tier tier();

    /**
     * A single model, with the request's thinking budget replaced when {@code thinkingBudget} is present.
     *
     * @param name           the step's name
     * @param tier           {@link Tier#FAST} or {@link Tier#DEEP}
     * @param model          the model
     * @param thinkingBudget the thinking budget for this step, if it overrides the request's
     */
    record Model(String name, Tier tier, ReasoningModel model, Optional<ThinkingBudget> thinkingBudget)
            implements CascadeStep {
        /** Validates. */
        public Model {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(tier, "tier");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(thinkingBudget, "thinkingBudget");
            if (tier == Tier.COUNCIL) {
                throw new InvalidRequestException("a model step is FAST or DEEP, not COUNCIL");
            }
            if (name.isBlank()) {
                throw new InvalidRequestException("cascade step name is empty");
            }
        }
    }

    /**
     * A council: accepted when it does not flag disagreement and has a final answer.
     *
     * @param name    the step's name
     * @param council the council
     */
    record CouncilStep(String name, Council council) implements CascadeStep {
        /** Validates. */
        public CouncilStep {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(council, "council");
            if (name.isBlank()) {
                throw new InvalidRequestException("cascade step name is empty");
            }
        }

        @Override
        public Tier tier() {
            return Tier.COUNCIL;
        }
    }
}
