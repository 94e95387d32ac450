package dev.deliberate.cli.core;

import dev.deliberate.core.AnswerFormat;
import dev.deliberate.core.InvalidSchemaException;
import dev.deliberate.core.ReasoningRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * What is asked besides the question and how the answer looks: {@code --schema}, {@code --system},
 * {@code --answer-budget}; shared by {@code reason}, {@code council} and {@code cascade}.
 */
public final class AnswerOptions {

    @Option(names = "--schema", paramLabel = "FILE",
            description = "A JSON Schema file: the answer is constrained to it and validated.")
    Path schema;

    @Option(names = "--system", paramLabel = "TEXT", description = "A system message.")
    String system;

    @Option(names = "--answer-budget", paramLabel = "N", defaultValue = "" + ReasoningRequest.DEFAULT_ANSWER_MAX_TOKENS,
            description = "Most answer tokens (per member in a council; default: ${DEFAULT-VALUE}).")
    int answerBudget;

    /** @throws CommandLine.ParameterException for an answer budget below 1 */
    public void check(CommandLine cl) {
        if (answerBudget < 1) {
            throw new CommandLine.ParameterException(cl, "--answer-budget must be >= 1, got " + answerBudget);
        }
    }

    /** The answer format: the {@code --schema} file's, else free text. */
    public AnswerFormat format() {
        return schema == null ? AnswerFormat.text() : readSchema(schema);
    }

    /** {@code --schema}, when given. */
    public Optional<Path> schema() {
        return Optional.ofNullable(schema);
    }

    /** {@code --system}, when given. */
    public Optional<String> system() {
        return Optional.ofNullable(system);
    }

    /** {@code --answer-budget}. */
    public int answerBudget() {
        return answerBudget;
    }

    /** A request builder with the answer format, answer budget and system message of these flags. */
    public ReasoningRequest.Builder request() {
        ReasoningRequest.Builder b = ReasoningRequest.builder().answerFormat(format()).answerMaxTokens(answerBudget);
        if (system != null) {
            b.system(system);
        }
        return b;
    }

    /**
     * A JSON Schema file as an answer format, bounded to 1 MB.
     *
     * @throws CommandFailedException when the file is missing, too large or unreadable
     * @throws InvalidSchemaException naming the file when it is not a usable schema
     */
    static AnswerFormat readSchema(Path file) {
        String text;
        try {
            if (Files.size(file) > 1 << 20) {
                throw new CommandFailedException("schema file " + file + " is larger than 1 MB");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CommandFailedException("schema file not found: " + file);
        } catch (IOException e) {
            throw new CommandFailedException("cannot read schema file " + file + ": " + e.getMessage(), e);
        }
        try {
            return AnswerFormat.jsonSchema(text);
        } catch (InvalidSchemaException e) {
            throw new InvalidSchemaException("schema file " + file + ": " + e.getMessage(), e);
        }
    }
}
