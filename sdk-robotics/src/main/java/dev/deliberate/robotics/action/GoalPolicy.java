package dev.deliberate.robotics.action;

/** What an {@link ActionServer} does with a new goal while it is already executing as many goals as it may. */
public enum GoalPolicy {
    /** Accept the goal and run it when a slot frees, first come first served (bounded queue). */
    QUEUE,
    /** Cancel every goal that is executing or waiting, then run the new goal: the newest request wins. */
    PREEMPT,
    /** Refuse the goal with {@link dev.deliberate.robotics.GoalRejectedException}. */
    REJECT_WHEN_BUSY
}
