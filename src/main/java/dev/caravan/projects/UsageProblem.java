package dev.caravan.projects;

/** The command needs the person to say more (which workflow, which environment): a usage mistake, not bad input. */
public final class UsageProblem extends RuntimeException {

    public UsageProblem(String message) {
        super(message);
    }
}
