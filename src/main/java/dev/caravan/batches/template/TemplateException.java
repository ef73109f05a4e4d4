package dev.caravan.batches.template;

import dev.caravan.batches.BatchInputException;

/**
 * A run-id template that cannot be used at all: bad syntax, a refused construct (attribute access, an
 * unknown function or name), a bad format spec, a limit. It names the field {@code template} and the
 * column (1-based) in the template.
 */
public class TemplateException extends BatchInputException {

    public TemplateException(String message, int column) {
        super(message, "template", null, null, column);
    }

    public TemplateException(String message) {
        super(message, "template", null, null, null);
    }
}
