/**
 * Deliberate for robots: reasoning exposed as a ROS 2 style action with deadlines and a guaranteed safe fallback.
 *
 * <ul>
 *   <li>{@link dev.deliberate.robotics.action} : a transport-neutral action server (goal ids, {@code action_msgs}
 *       status machine, feedback, cancel, result retention, goal policies);</li>
 *   <li>{@link dev.deliberate.robotics.reason} : the {@code deliberate_msgs/action/Reason} types and the
 *       {@link dev.deliberate.robotics.reason.DeadlineReasoner} that turns a deadline into a thinking budget and
 *       falls back to a safe decision;</li>
 *   <li>{@link dev.deliberate.robotics.rosbridge} : a rosbridge v2 client that advertises the action to a ROS 2
 *       graph.</li>
 * </ul>
 *
 * <p>Nothing public returns {@code null}; absent values are {@link java.util.Optional}.
 */
package dev.deliberate.robotics;
