package dev.deliberate.robotics.reason;

import dev.deliberate.robotics.RoboticsException;
import java.util.List;

/** A decision is not JSON or does not validate against the allowed-actions schema. */
public class InvalidDecisionException extends RoboticsException {
    private static final long serialVersionUID = 1L;

    private final List<String> errors;

    /**
     * @param message summary
     * @param errors  the validation errors, one message each
     */
    public InvalidDecisionException(String message, List<String> errors) {
        super(message);
        this.errors = List.copyOf(errors);
    }

    /** The validation errors. */
    public List<String> errors() {
        return errors;
    }
}
