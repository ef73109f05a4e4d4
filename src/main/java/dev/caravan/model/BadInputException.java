package dev.caravan.model;

/**
 * Input a person wrote (a file, a row, a setting) is wrong. The message names where: the file and
 * line, the field or the key, so it can be fixed without reading code.
 */
public class BadInputException extends RuntimeException {

    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
