package dev.deliberate.core.spi;

import java.util.List;

/**
 * Finds stop strings in streamed text. Text that might still become a stop string is held back; text before a stop
 * string is released; the stop string and what follows are dropped. Offered to backends whose runtime does not honour
 * {@link GenerationRequest#stop()} itself (core uses it too, so both agree on what a stop is). Not thread-safe: one
 * instance per generation.
 */
public final class StopMatcher {

    private final List<String> stops;
    private final int longest;
    private final StringBuilder held = new StringBuilder();
    private boolean stopped;

    /** @param stops the stop strings; may be empty */
    public StopMatcher(List<String> stops) {
        this.stops = List.copyOf(stops);
        this.longest = this.stops.stream().mapToInt(String::length).max().orElse(0);
    }

    /** Whether a stop string was found. */
    public boolean stopped() {
        return stopped;
    }

    /**
     * Adds text.
     *
     * @return the text now safe to release (before any stop string and not a possible start of one)
     */
    public String accept(String text) {
        if (stopped) {
            return "";
        }
        if (stops.isEmpty()) {
            return text;
        }
        held.append(text);
        int first = -1;
        for (String s : stops) {
            int i = held.indexOf(s);
            if (i >= 0 && (first < 0 || i < first)) {
                first = i;
            }
        }
        if (first >= 0) {
            stopped = true;
            String out = held.substring(0, first);
            held.setLength(0);
            return out;
        }
        int keep = 0;
        for (int n = Math.min(longest - 1, held.length()); n > 0; n--) {
            String suffix = held.substring(held.length() - n);
            if (stops.stream().anyMatch(s -> s.startsWith(suffix))) {
                keep = n;
                break;
            }
        }
        String out = held.substring(0, held.length() - keep);
        held.delete(0, held.length() - keep);
        return out;
    }

    /** The end of text: what was held back was not a stop string after all. */
    public String finish() {
        String out = stopped ? "" : held.toString();
        held.setLength(0);
        return out;
    }
}
