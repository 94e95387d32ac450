package dev.deliberate.robotics.rosbridge;

import java.util.Optional;

/**
 * Recovers the top-level {@code op}, {@code id} and {@code action} strings of a frame that cannot be parsed within the
 * bounds (too large, nested too deep, broken after its first fields), so that a goal in it can still be answered.
 *
 * <p>It is a single forward pass over the characters that tracks nesting with a counter and string state, without
 * recursion and without building anything but the three short strings: it works at any depth and in linear time. It
 * reads object keys only at the top level; values of any other key are skipped, whatever they hold. A recovered
 * string is at most {@link #MAX_FIELD_CHARS} chars; longer ones count as absent.
 */
final class FrameSalvage {

    /** The longest op, id or action recovered. */
    static final int MAX_FIELD_CHARS = 512;

    /**
     * The fields found.
     *
     * @param op     the {@code op} value
     * @param id     the {@code id} value
     * @param action the {@code action} value
     */
    record Fields(Optional<String> op, Optional<String> id, Optional<String> action) {
        boolean isGoal() {
            return op.filter("send_action_goal"::equals).isPresent() && id.filter(s -> !s.isEmpty()).isPresent();
        }
    }

    private FrameSalvage() {}

    /** Scans {@code text}; never throws. */
    static Fields scan(CharSequence text) {
        String op = null;
        String id = null;
        String action = null;
        int depth = 0;
        boolean expectKey = false;
        String key = null;
        int n = text.length();
        int i = 0;
        // skip leading whitespace; anything but an object has no fields
        while (i < n && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        if (i >= n || text.charAt(i) != '{') {
            return new Fields(Optional.empty(), Optional.empty(), Optional.empty());
        }
        while (i < n) {
            char ch = text.charAt(i);
            if (ch == '"') {
                boolean capture = depth == 1 && (expectKey || isWanted(key));
                StringBuilder sb = capture ? new StringBuilder() : null;
                boolean tooLong = false;
                i++;
                boolean closed = false;
                while (i < n) {
                    char c = text.charAt(i);
                    if (c == '\\') {
                        if (i + 1 >= n) {
                            i = n;
                            break;
                        }
                        char e = text.charAt(i + 1);
                        if (sb != null && !tooLong) {
                            switch (e) {
                                case 'n' -> sb.append('\n');
                                case 't' -> sb.append('\t');
                                case 'r' -> sb.append('\r');
                                case 'b' -> sb.append('\b');
                                case 'f' -> sb.append('\f');
                                case 'u' -> {
                                    if (i + 5 < n) {
                                        try {
                                            sb.append((char) Integer.parseInt(text.subSequence(i + 2, i + 6)
                                                    .toString(), 16));
                                        } catch (NumberFormatException bad) {
                                            tooLong = true; // not a string we can trust
                                        }
                                        i += 4;
                                    }
                                }
                                default -> sb.append(e);
                            }
                        } else if (e == 'u') {
                            i += 4;
                        }
                        i += 2;
                        continue;
                    }
                    if (c == '"') {
                        closed = true;
                        i++;
                        break;
                    }
                    if (sb != null && !tooLong) {
                        sb.append(c);
                        tooLong = sb.length() > MAX_FIELD_CHARS;
                    }
                    i++;
                }
                if (!closed) {
                    break;
                }
                if (depth == 1) {
                    if (expectKey) {
                        key = tooLong || sb == null ? null : sb.toString();
                    } else if (sb != null && !tooLong) {
                        switch (key) {
                            case "op" -> op = op == null ? sb.toString() : op;
                            case "id" -> id = id == null ? sb.toString() : id;
                            case "action" -> action = action == null ? sb.toString() : action;
                            default -> { }
                        }
                        if (op != null && id != null && action != null) {
                            break;
                        }
                    }
                }
                continue;
            }
            switch (ch) {
                case '{', '[' -> {
                    depth++;
                    if (depth == 1) {
                        expectKey = true;
                    }
                }
                case '}', ']' -> {
                    depth--;
                    if (depth <= 0) {
                        i = n; // end of the top-level object
                    }
                }
                case ':' -> {
                    if (depth == 1) {
                        expectKey = false;
                    }
                }
                case ',' -> {
                    if (depth == 1) {
                        expectKey = true;
                        key = null;
                    }
                }
                default -> { }
            }
            i++;
        }
        return new Fields(Optional.ofNullable(op), Optional.ofNullable(id), Optional.ofNullable(action));
    }

    private static boolean isWanted(String key) {
        return "op".equals(key) || "id".equals(key) || "action".equals(key);
    }
}
