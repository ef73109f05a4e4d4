package dev.caravan.tracking;

/** The remote refused the scheduler branch (someone else pushed to it). */
public class PushRejectedException extends RuntimeException {

    public PushRejectedException(String message) {
        super(message);
    }
}
