package dev.deliberate.robotics.action;

import dev.deliberate.robotics.InvalidGoalException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.UUID;

/**
 * The identity of one goal: a 128-bit UUID, as {@code unique_identifier_msgs/UUID} ({@code uint8[16]}) carries it in
 * ROS 2.
 *
 * @param uuid the identifier
 */
public record GoalId(UUID uuid) {

    /** Rejects null. */
    public GoalId {
        Objects.requireNonNull(uuid, "uuid");
    }

    /** A fresh random (version 4) goal id. */
    public static GoalId random() {
        return new GoalId(UUID.randomUUID());
    }

    /**
     * Parses the canonical text form ({@code 8-4-4-4-12} hex digits).
     *
     * @throws InvalidGoalException when {@code text} is not a UUID
     */
    public static GoalId parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.length() != 36) {
            throw new InvalidGoalException("goal id must be a 36-character UUID, got " + text.length() + " characters");
        }
        try {
            return new GoalId(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            throw new InvalidGoalException("goal id is not a UUID: " + text, e);
        }
    }

    /**
     * Reads the 16 bytes of a {@code unique_identifier_msgs/UUID}, most significant first.
     *
     * @throws InvalidGoalException when there are not exactly 16 bytes
     */
    public static GoalId fromBytes(byte[] bytes) {
        if (bytes.length != 16) {
            throw new InvalidGoalException("a goal UUID has 16 bytes, got " + bytes.length);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        return new GoalId(new UUID(b.getLong(), b.getLong()));
    }

    /** The 16 bytes of {@code unique_identifier_msgs/UUID}, most significant first. */
    public byte[] toBytes() {
        return ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits()).array();
    }

    @Override
    public String toString() {
        return uuid.toString();
    }
}
