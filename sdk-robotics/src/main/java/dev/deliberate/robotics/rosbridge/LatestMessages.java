package dev.deliberate.robotics.rosbridge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.robotics.reason.ObservationSource;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest message of each observed topic, as an {@link ObservationSource} for the
 * {@link dev.deliberate.robotics.reason.DeadlineReasoner}. Bounded: at most {@code maxTopics} topics, and messages
 * larger than {@code maxMessageChars} (as JSON) are dropped, keeping the previous value.
 *
 * <p>Thread-safe: the transport writes, reasoners read.
 */
public final class LatestMessages implements ObservationSource {

    private final int maxTopics;
    private final int maxMessageChars;
    private final ConcurrentHashMap<String, JsonNode> latest = new ConcurrentHashMap<>();

    /**
     * @param maxTopics       the most topics kept
     * @param maxMessageChars the largest message kept, in chars of JSON
     */
    public LatestMessages(int maxTopics, int maxMessageChars) {
        if (maxTopics < 1 || maxMessageChars < 2) {
            throw new IllegalArgumentException("need maxTopics >= 1 and maxMessageChars >= 2");
        }
        this.maxTopics = maxTopics;
        this.maxMessageChars = maxMessageChars;
    }

    /** 32 topics of at most 8 KiB each. */
    public static LatestMessages defaults() {
        return new LatestMessages(32, 8 * 1024);
    }

    /**
     * Records a topic's latest message.
     *
     * @return whether it was kept (false when too large, or when it is a new topic beyond the bound)
     */
    public boolean put(String topic, JsonNode message, int messageChars) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(message, "message");
        if (messageChars > maxMessageChars) {
            return false;
        }
        synchronized (latest) {
            if (!latest.containsKey(topic) && latest.size() >= maxTopics) {
                return false;
            }
            latest.put(topic, message.deepCopy());
            return true;
        }
    }

    @Override
    public Map<String, JsonNode> latest() {
        Map<String, JsonNode> copy = new java.util.HashMap<>();
        latest.forEach((k, v) -> copy.put(k, v.deepCopy()));
        return copy;
    }
}
