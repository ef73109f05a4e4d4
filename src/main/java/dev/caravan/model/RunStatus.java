package dev.caravan.model;

/** What a backend says of one run, mapped onto Caravan's words. */
public record RunStatus(Phase phase, String detail) {

    public enum Phase {
        /** Still queued or running on the backend. */
        IN_FLIGHT,
        COMPLETED,
        FAILED,
        /** The backend does not know this run (yet or any more): the job stays where it is. */
        UNKNOWN
    }

    public static RunStatus inFlight(String detail) {
        return new RunStatus(Phase.IN_FLIGHT, detail);
    }

    public static RunStatus completed(String detail) {
        return new RunStatus(Phase.COMPLETED, detail);
    }

    public static RunStatus failed(String detail) {
        return new RunStatus(Phase.FAILED, detail);
    }

    public static RunStatus unknown(String detail) {
        return new RunStatus(Phase.UNKNOWN, detail);
    }

    public boolean isFinished() {
        return phase == Phase.COMPLETED || phase == Phase.FAILED;
    }
}
