package dev.caravan.tracking;

/** The tracking repo's remote did not answer (gone, network down, refused): work goes on in the clone meanwhile. */
public class RemoteUnreachableException extends RuntimeException {

    public RemoteUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
