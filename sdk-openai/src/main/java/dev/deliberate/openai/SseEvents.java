package dev.deliberate.openai;

/**
 * Server-sent events (the HTML living standard's {@code text/event-stream}) from a {@link ResponseBody}: the
 * {@code data} of each event, joined by new lines; comments, {@code event}, {@code id} and {@code retry} fields
 * ignored. Bounded: an event's data may not exceed {@code maxEvent} characters.
 */
final class SseEvents {

    /** What {@link #next} returns when the wait bound passed first. */
    static final String TIMEOUT = ResponseBody.TIMEOUT;

    private final ResponseBody body;
    private final int maxEvent;
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private long lines;

    SseEvents(ResponseBody body, int maxEvent) {
        this.body = body;
        this.maxEvent = maxEvent;
    }

    /** Lines read so far (including comments and blanks). */
    long lines() {
        return lines;
    }

    /**
     * The next event's data, {@code null} at the end of the stream (an unterminated last event is dropped, as the
     * standard says), or {@link #TIMEOUT}.
     *
     * @throws java.io.IOException when the transfer failed or an event is too large
     */
    String next(long untilNanos) throws java.io.IOException, InterruptedException {
        while (true) {
            String line = body.readLine(untilNanos);
            if (line == ResponseBody.TIMEOUT) {
                return TIMEOUT;
            }
            if (line == null) {
                return null;
            }
            lines++;
            if (line.isEmpty()) {
                if (hasData) {
                    String out = data.toString();
                    data.setLength(0);
                    hasData = false;
                    return out;
                }
                continue;
            }
            if (line.charAt(0) == ':') {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            if (!field.equals("data")) {
                continue;
            }
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            if (hasData) {
                data.append('\n');
            }
            if (data.length() + value.length() > maxEvent) {
                throw new java.io.IOException("an event of the stream is larger than " + maxEvent + " characters");
            }
            data.append(value);
            hasData = true;
        }
    }
}
