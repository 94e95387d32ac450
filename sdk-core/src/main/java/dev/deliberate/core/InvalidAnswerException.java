package dev.deliberate.core;

import java.util.List;

/**
 * The model's answer did not satisfy the requested answer format (for example it is not valid JSON, or it does not
 * validate against the JSON Schema), even after the bounded number of corrective retries. The invalid answer and the
 * validation errors are kept so that the caller can log them or show them to a person.
 */
public class InvalidAnswerException extends DeliberateException {
    private static final long serialVersionUID = 1L;

    private final String answer;
    private final List<String> errors;

    /**
     * @param message summary of what was wrong
     * @param answer  the last answer the model gave, verbatim
     * @param errors  the validation errors for that answer, one message each
     */
    public InvalidAnswerException(String message, String answer, List<String> errors) {
        super(message);
        this.answer = answer == null ? "" : answer;
        this.errors = List.copyOf(errors);
    }

    /** The last invalid answer, verbatim. */
    public String answer() {
        return answer;
    }

    /** The validation errors of {@link #answer()}. */
    public List<String> errors() {
        return errors;
    }
}
