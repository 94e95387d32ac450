package dev.deliberate.samples.robot;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LaneObstacleAppTest {

    @Test
    void fallbackIsAnAllowedDecisionAndUnsafeOnesAreNot() throws Exception {
        var guard = LaneObstacleApp.guard();
        assertTrue(guard.parseAllowed(LaneObstacleApp.FALLBACK).isPresent());
        assertTrue(guard.parseAllowed("{\"action\":\"change_lane\",\"lane\":\"left\"}").isPresent());
        assertTrue(guard.parseAllowed("{\"action\":\"accelerate\"}").isEmpty());
        assertTrue(guard.parseAllowed("{\"action\":\"slow_down\",\"target_speed_mps\":90}").isEmpty());
        assertTrue(guard.parseAllowed("{\"action\":\"stop\",\"note\":\"extra field\"}").isEmpty());
    }
}
