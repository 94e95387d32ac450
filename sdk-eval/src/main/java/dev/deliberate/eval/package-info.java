/**
 * Evaluation of models, thinking budgets and profiles on a domain's cases: {@link dev.deliberate.eval.Evaluator}
 * runs the cases, {@link dev.deliberate.eval.EvalRun} holds and saves the results,
 * {@link dev.deliberate.eval.SettingSummary} and {@link dev.deliberate.eval.Comparison} give the figures, and
 * {@link dev.deliberate.eval.EvalReport} writes Markdown and self-contained HTML with charts.
 */
package dev.deliberate.eval;
