package dev.deliberate.cli.core;

/** Whether standard output is a person's terminal (then ANSI styling and live progress are welcome). */
final class Terminal {

    private Terminal() {}

    static boolean isInteractive() {
        return System.console() != null && System.getenv("NO_COLOR") == null
                && !"dumb".equals(System.getenv("TERM"));
    }
}
