/**
 * A council of models: several {@link dev.deliberate.core.ReasoningModel}s (local and remote mixed) answer the same
 * request independently and in parallel, review each other's anonymised answers, and the council measures how far
 * they agree ({@link dev.deliberate.core.council.Aggregation}), flags disagreement by a threshold and forms a
 * consensus, all under shared caps on thinking tokens, time and concurrent local generations.
 *
 * <pre>{@code
 * Council council = Council.builder()
 *         .member("r1-7b", localModel)
 *         .member("cloud", remoteModel)
 *         .member("r1-1.5b", smallModel)
 *         .options(CouncilOptions.builder().deadline(Duration.ofSeconds(30)).threshold(0.8).build())
 *         .build();
 * CouncilResult r = council.deliberate(request);
 * if (r.disagreement()) { sendToHuman(r); }
 * }</pre>
 *
 * <p>Nothing in this package returns null. See {@code docs/council.md}.
 */
package dev.deliberate.core.council;
