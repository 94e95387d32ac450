package dev.deliberate.core.internal;

import dev.deliberate.core.spi.StopMatcher;

/**
 * Splits generated text into thinking and answer, incrementally: {@code <think>} and {@code </think>} may arrive split
 * across pieces, the chat template may already have opened the thinking, the model may open it itself, or it may not
 * think at all. Tags never reach either output. Leading white space of each part is dropped and trailing white space
 * is held back until more text follows, so that the concatenated outputs equal the final, trimmed texts.
 *
 * <p>Not thread-safe; one instance per generation sequence.
 */
public final class ThinkParser {

    /** Opening tag of a thinking block. */
    public static final String OPEN = "<think>";
    /** Closing tag of a thinking block. */
    public static final String CLOSE = "</think>";

    /** Where the parser is. */
    public enum Phase {
        /** Not yet known whether the model thinks (template did not open a thinking block). */
        UNDECIDED,
        /** Inside the thinking block. */
        THINKING,
        /** After the thinking block (or there was none). */
        ANSWER
    }

    /** Receives the split text. */
    public interface Output {
        /** More thinking text. */
        void thinking(String text);

        /** More answer text. */
        void answer(String text);
    }

    private final Output out;
    private final StopMatcher stops;
    private Phase phase;
    /** Text received but not yet classified (partial tags, undecided start). */
    private final StringBuilder pending = new StringBuilder();
    private final Trimmer thinkingTrim;
    private final Trimmer answerTrim;
    private boolean thinkingClosedByModel;
    private boolean modelOpened;
    private long rawLength;
    private long rawCloseEnd = -1;

    /**
     * @param out            receives the split text
     * @param startPhase     {@link Phase#THINKING} when the prompt already opened thinking, {@link Phase#UNDECIDED}
     *                       when the model may or may not open it, {@link Phase#ANSWER} when thinking is over
     */
    public ThinkParser(Output out, Phase startPhase) {
        this(out, startPhase, new StopMatcher(java.util.List.of()));
    }

    /**
     * @param out        receives the split text
     * @param startPhase as in {@link #ThinkParser(Output, Phase)}
     * @param stops      stop strings applied to the answer (before trimming)
     */
    public ThinkParser(Output out, Phase startPhase, StopMatcher stops) {
        this.out = out;
        this.phase = startPhase;
        this.stops = stops;
        this.thinkingTrim = new Trimmer(out::thinking);
        this.answerTrim = new Trimmer(out::answer);
    }

    /** The current phase. */
    public Phase phase() {
        return phase;
    }

    /** Whether the model itself wrote {@code </think>}. */
    public boolean thinkingClosedByModel() {
        return thinkingClosedByModel;
    }

    /** Whether the model itself wrote the opening {@code <think>} (from {@link Phase#UNDECIDED}). */
    public boolean modelOpenedThinking() {
        return modelOpened;
    }

    /** Number of raw characters fed up to the end of the model's {@code </think>}; -1 when not seen. */
    public long rawCloseEnd() {
        return rawCloseEnd;
    }

    /** Feeds the next piece of raw generated text. */
    public void accept(String piece) {
        pending.append(piece);
        rawLength += piece.length();
        process(false);
    }

    /** No more text will come: flushes what was held back (partial tags are plain text after all). */
    public void finish() {
        process(true);
        if (pending.length() > 0) {
            emit(pending.toString());
            pending.setLength(0);
        }
        answerTrim.accept(stops.finish());
    }

    /** Ends the thinking block from outside (budget or deadline): what follows is answer. */
    public void closeThinking() {
        if (phase == Phase.THINKING || phase == Phase.UNDECIDED) {
            if (phase == Phase.THINKING && pending.length() > 0) {
                thinkingTrim.accept(pending.toString());
            }
            pending.setLength(0);
            phase = Phase.ANSWER;
        }
    }

    private void process(boolean atEnd) {
        while (pending.length() > 0) {
            if (phase == Phase.UNDECIDED) {
                int i = skipSpace(pending);
                String rest = pending.substring(i);
                if (rest.startsWith(OPEN)) {
                    pending.delete(0, i + OPEN.length());
                    phase = Phase.THINKING;
                    modelOpened = true;
                    continue;
                }
                if (!atEnd && OPEN.startsWith(rest)) {
                    return; // white space or a partial "<think>": wait for more
                }
                phase = Phase.ANSWER;
                continue;
            }
            int tag = firstTag(pending);
            if (tag >= 0) {
                String before = pending.substring(0, tag);
                boolean close = pending.indexOf(CLOSE, tag) == tag;
                int tagLength = close ? CLOSE.length() : OPEN.length();
                emit(before);
                pending.delete(0, tag + tagLength);
                if (close && phase == Phase.THINKING) {
                    phase = Phase.ANSWER;
                    thinkingClosedByModel = true;
                    rawCloseEnd = rawLength - pending.length();
                }
                continue;
            }
            int hold = atEnd ? 0 : partialTagSuffix(pending);
            if (pending.length() > hold) {
                emit(pending.substring(0, pending.length() - hold));
                pending.delete(0, pending.length() - hold);
            }
            return;
        }
    }

    private void emit(String text) {
        if (text.isEmpty()) {
            return;
        }
        if (phase == Phase.THINKING) {
            thinkingTrim.accept(text);
        } else {
            answerTrim.accept(stops.accept(text));
        }
    }

    private static int skipSpace(CharSequence s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int firstTag(StringBuilder s) {
        int open = s.indexOf(OPEN);
        int close = s.indexOf(CLOSE);
        if (open < 0) {
            return close;
        }
        if (close < 0) {
            return open;
        }
        return Math.min(open, close);
    }

    /** Length of the longest suffix of {@code s} that is a proper prefix of a tag. */
    private static int partialTagSuffix(StringBuilder s) {
        int max = Math.min(s.length(), CLOSE.length() - 1);
        for (int n = max; n > 0; n--) {
            String suffix = s.substring(s.length() - n);
            if (OPEN.startsWith(suffix) || CLOSE.startsWith(suffix)) {
                return n;
            }
        }
        return 0;
    }

    /**
     * Drops leading white space and holds trailing white space back until non-space text follows, so that what was
     * emitted always equals the trimmed text so far.
     */
    static final class Trimmer {
        private final java.util.function.Consumer<String> sink;
        private final StringBuilder heldSpace = new StringBuilder();
        private boolean started;

        Trimmer(java.util.function.Consumer<String> sink) {
            this.sink = sink;
        }

        void accept(String text) {
            int end = text.length();
            while (end > 0 && Character.isWhitespace(text.charAt(end - 1))) {
                end--;
            }
            if (end == 0) {
                if (started) {
                    heldSpace.append(text);
                }
                return;
            }
            String body = text.substring(0, end);
            if (!started) {
                body = body.substring(skipSpace(body));
                started = true;
            }
            String out = heldSpace + body;
            heldSpace.setLength(0);
            heldSpace.append(text, end, text.length());
            sink.accept(out);
        }
    }
}
