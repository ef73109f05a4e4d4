package dev.caravan.model;

/** One message for the operators' channel. */
public record Notification(Level level, String text) {

    public static Notification critical(String text) {
        return new Notification(Level.CRITICAL, text);
    }

    public static Notification warning(String text) {
        return new Notification(Level.WARNING, text);
    }

    public static Notification info(String text) {
        return new Notification(Level.INFO, text);
    }

    /** The text as posted: emoji, level, message. */
    public String render() {
        return level.emoji() + " " + level + ": " + text;
    }
}
