/**
 * The audit trail: an append-only JSON Lines file with one record per reasoning call, council and cascade, each
 * carrying provenance (model hash or endpoint and model id, parameters, seed, timings, tokens, finish), the request
 * and the answer through a pluggable {@link dev.deliberate.core.audit.AuditRedactor}, and the SHA-256 of the
 * previous record, so that any change, deletion or reordering is found by
 * {@link dev.deliberate.core.audit.AuditTrail#verify}. {@link dev.deliberate.core.audit.ResultJson} is the one JSON
 * form of requests and results, shared by the trail and the command line.
 *
 * <p>Nothing in this package returns null. See {@code docs/audit.md}.
 */
package dev.deliberate.core.audit;
