package dev.caravan.model;

/** A job moved between state folders; {@code env} is where its newest run went (may be empty). */
public record Transition(JobRef ref, State from, State to, String env, String reason) {

    public String label() {
        return from + "→" + to;
    }
}
