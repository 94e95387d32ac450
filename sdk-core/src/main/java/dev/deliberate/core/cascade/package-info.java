/**
 * "Simple AI for simple things": a {@link dev.deliberate.core.cascade.Cascade} answers with a fast configuration
 * first (a small model, or thinking budget 0) and escalates to deep reasoning, then to a council, only when the fast
 * answer is invalid, low-confidence by a field the schema names, the case is marked novel, or a rule says so. The
 * {@link dev.deliberate.core.cascade.CascadeResult} records the path and what each step cost.
 *
 * <p>Nothing in this package returns null. See {@code docs/council.md}.
 */
package dev.deliberate.core.cascade;
