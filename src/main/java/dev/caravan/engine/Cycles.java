package dev.caravan.engine;

import java.util.Optional;

/**
 * Asking for the routes' work from outside them (a one-shot command, a capability's service): the commit of what an
 * intake staged, or a whole cycle, run by the same routes the daemon runs.
 */
public interface Cycles {

    /** Commits what is staged, through the {@code commit} route. */
    void commit();

    /** One cycle through the {@code cycle} route, of one environment when named; the problem when it stopped. */
    Optional<String> run(Optional<String> env);
}
