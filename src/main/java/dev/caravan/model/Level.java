package dev.caravan.model;

/** How loudly a notification speaks; the emoji is what Slack readers scan for. */
public enum Level {
    CRITICAL(":fire:"),
    WARNING(":warning:"),
    INFO(":information_source:");

    private final String emoji;

    Level(String emoji) {
        this.emoji = emoji;
    }

    public String emoji() {
        return emoji;
    }
}
