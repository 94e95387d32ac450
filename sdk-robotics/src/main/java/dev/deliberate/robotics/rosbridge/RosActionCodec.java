package dev.deliberate.robotics.rosbridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deliberate.robotics.InvalidGoalException;

/**
 * Maps one ROS 2 action type to and from the JSON that rosbridge uses for its messages (field names as in the
 * {@code .action} file; numbers as JSON numbers; nested messages as objects).
 *
 * @param <G> the goal type
 * @param <F> the feedback type
 * @param <R> the result type
 */
public interface RosActionCodec<G, F, R> {

    /** The ROS 2 action type, e.g. {@code deliberate_msgs/action/Reason}. */
    String actionType();

    /**
     * Reads a goal from a {@code send_action_goal}'s {@code args}.
     *
     * @throws InvalidGoalException when a field has the wrong type or is out of range
     */
    G decodeGoal(JsonNode args);

    /** Writes feedback as {@code action_feedback}'s {@code values}. */
    ObjectNode encodeFeedback(F feedback);

    /** Writes a result as {@code action_result}'s {@code values}. */
    ObjectNode encodeResult(R result);

    /** The result sent for goals that ended without one (cancelled before they ran): all fields at their defaults. */
    R emptyResult();
}
