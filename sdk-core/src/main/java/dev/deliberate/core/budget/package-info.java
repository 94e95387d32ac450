/**
 * Deadlines as thinking budgets: {@link dev.deliberate.core.budget.DecodeRateEstimator} learns how fast a model is,
 * {@link dev.deliberate.core.budget.DeadlinePlanner} turns the time left into thinking tokens and a thinking deadline.
 * Shared by everything that must answer by a deadline (robot goals, council stages, cascades).
 */
package dev.deliberate.core.budget;
