package dev.deliberate.cli.core;

import dev.deliberate.core.ReasoningRequest;
import dev.deliberate.core.profile.DomainProfile;
import java.util.Optional;
import picocli.CommandLine;

/**
 * The options of every command that asks models one question ({@code reason}, {@code council}, {@code cascade}): the
 * answer ({@link AnswerOptions}), thinking ({@link ThinkingOptions}), sampling ({@link SamplingOptions}) and how
 * local models are opened ({@link LocalModelOptions}), as one mixin.
 */
public final class ModelQuestionOptions {

    @CommandLine.Mixin
    AnswerOptions answer = new AnswerOptions();

    @CommandLine.Mixin
    ThinkingOptions thinking = new ThinkingOptions();

    @CommandLine.Mixin
    SamplingOptions sampling = new SamplingOptions();

    @CommandLine.Mixin
    LocalModelOptions local = new LocalModelOptions();

    /**
     * Checks every option of the group.
     *
     * @throws CommandLine.ParameterException naming the first bad option (exit code 2)
     */
    public void check(CommandLine cl) {
        thinking.check(cl);
        answer.check(cl);
        sampling.check(cl);
        local.check(cl);
    }

    /**
     * The request for {@code question}: the profile's (system prompt with glossary and examples, schema, default
     * thinking budget and deadline, answer bound; {@code --answer-budget} given here overrides its bound) when there
     * is one, else from {@code --schema}, {@code --system} and {@code --answer-budget}. Sampling from
     * {@code --temperature} and {@code --seed}; the thinking budget is the caller's to adjust.
     */
    ReasoningRequest.Builder request(Optional<DomainProfile> domain, String question, CommandLine.ParseResult parsed) {
        ReasoningRequest.Builder b;
        if (domain.isPresent()) {
            b = domain.get().request(question).toBuilder();
            if (parsed.hasMatchedOption("--answer-budget")) {
                b.answerMaxTokens(answer.answerBudget());
            }
        } else {
            b = answer.request().user(question);
        }
        return b.sampling(sampling.sampling());
    }
}
