package dev.caravan.settings;

/** A setting is unknown or has a bad value; the message names the key. */
public class ConfigException extends RuntimeException {

    private final String key;
    private final String problem;

    public ConfigException(String key, String problem) {
        super("setting " + key + ": " + problem);
        this.key = key;
        this.problem = problem;
    }

    public String problem() {
        return problem;
    }

    public String key() {
        return key;
    }
}
