package dev.caravan.aws;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

import java.io.IOException;
import java.util.Set;

/** What kind of failure an AWS call ended in, and so what to do about it. */
public enum AwsErrors {
    /** 429 or a throttling code: the request was not processed; wait and send it again. */
    THROTTLED,
    /** 5xx: AWS may or may not have processed it; wait, and for a submission look before sending again. */
    SERVER,
    /** No answer (connection reset, timeout): as for SERVER. */
    LOST,
    /** Credentials refused or missing: nothing on this account will work. */
    CREDENTIALS,
    /** The request itself is wrong (unknown queue, bad parameter): sending it again will not help. */
    CLIENT;

    private static final Set<String> CREDENTIAL_CODES = Set.of("UnrecognizedClientException", "InvalidClientTokenId",
            "ExpiredToken", "ExpiredTokenException", "AccessDenied", "AccessDeniedException", "SignatureDoesNotMatch",
            "InvalidSignatureException", "MissingAuthenticationToken");

    public static AwsErrors of(SdkException e) {
        if (e instanceof AwsServiceException a) {
            String code = a.awsErrorDetails() == null ? "" : String.valueOf(a.awsErrorDetails().errorCode());
            if (a.isThrottlingException() || a.statusCode() == 429 || code.contains("Throttl")
                    || code.equals("TooManyRequestsException")) {
                return THROTTLED;
            }
            if (CREDENTIAL_CODES.contains(code) || a.statusCode() == 401) {
                return CREDENTIALS;
            }
            if (a.statusCode() >= 500) {
                return SERVER;
            }
            return CLIENT;
        }
        if (e instanceof ApiCallAttemptTimeoutException || e instanceof ApiCallTimeoutException) {
            return LOST;
        }
        if (e instanceof SdkClientException) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("Unable to load credentials") || m.contains("credentials")
                    && !(e.getCause() instanceof IOException)) {
                return CREDENTIALS;
            }
            return LOST;
        }
        return LOST;
    }

    public boolean retryable() {
        return this == THROTTLED || this == SERVER || this == LOST;
    }

    /** A short, secret-free description of the failure. */
    public static String describe(SdkException e) {
        if (e instanceof AwsServiceException a && a.awsErrorDetails() != null) {
            return a.awsErrorDetails().errorCode() + " (HTTP " + a.statusCode() + "): "
                    + a.awsErrorDetails().errorMessage();
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return e.getClass().getSimpleName() + ": " + (root == e ? e.getMessage()
                : e.getMessage() + " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")");
    }
}
