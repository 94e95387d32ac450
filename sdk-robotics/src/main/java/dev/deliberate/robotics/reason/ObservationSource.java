package dev.deliberate.robotics.reason;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * The latest observations (for example the last message of each subscribed ROS topic) to add to every goal's context.
 * Implementations are thread-safe and quick.
 */
@FunctionalInterface
public interface ObservationSource {

    /** A source with no observations. */
    static ObservationSource none() {
        return Map::of;
    }

    /** The latest value per source name (topic), a snapshot the caller may keep. */
    Map<String, JsonNode> latest();
}
