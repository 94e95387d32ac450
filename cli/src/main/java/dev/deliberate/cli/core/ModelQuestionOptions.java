package dev.deliberate.cli.core;

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
}
