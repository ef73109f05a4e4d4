package dev.caravan.aws;

import dev.caravan.settings.ConfigException;

import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Builds the SDK v2 clients Caravan uses, all the same way: the region and endpoint given (else the SDK's
 * own defaults: {@code AWS_REGION}, {@code AWS_ENDPOINT_URL}, the profile), credentials from the SDK's default
 * chain, the Apache HTTP client. Batch calls are never retried by the SDK: {@link Backoff} does it, because a
 * blind retry of a SubmitJob whose answer was lost would submit the job twice.
 */
public final class AwsClients {

    /** Where the clients go. {@code describe} says it in messages. */
    public record Where(Optional<String> region, Optional<URI> endpoint) {

        public static Where sdkDefaults() {
            return new Where(Optional.empty(), Optional.empty());
        }

        public String describe() {
            return "region " + region.orElse("(SDK default)") + endpoint.map(e -> ", endpoint " + e).orElse("");
        }
    }

    private AwsClients() {
    }

    /** Parses an endpoint setting; a {@link ConfigException} names the key. */
    public static URI endpoint(String key, String value) {
        URI u;
        try {
            u = URI.create(value.trim());
        } catch (IllegalArgumentException e) {
            u = null;
        }
        if (u == null || u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
                || u.getHost() == null) {
            throw new ConfigException(key, "'" + value + "' is not an http(s) URL");
        }
        return u;
    }

    /** The region the clients will use, or a message saying how to set one. */
    public static Region region(Where where, String settingHint) {
        if (where.region().isPresent()) {
            return Region.of(where.region().get());
        }
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException e) {
            throw new ConfigException(settingHint, "no AWS region (set it, or AWS_REGION, or a profile's region)");
        }
    }

    static SdkHttpClient http(int maxConnections) {
        return ApacheHttpClient.builder()
                .maxConnections(maxConnections)
                .connectionTimeout(Duration.ofSeconds(10))
                .socketTimeout(Duration.ofSeconds(60))
                .build();
    }

    public static BatchClient batch(Where where, String settingHint, int maxConnections, Duration attemptTimeout) {
        return apply(BatchClient.builder(), where, settingHint)
                .httpClient(http(maxConnections))
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallAttemptTimeout(attemptTimeout))
                .build();
    }

    public static S3Client s3(Where where, String settingHint) {
        return apply(S3Client.builder(), where, settingHint)
                .httpClient(http(16))
                // an endpoint override is an emulator or a private endpoint: bucket in the path
                .forcePathStyle(where.endpoint().isPresent())
                .build();
    }

    public static SsmClient ssm(Where where, String settingHint) {
        return apply(SsmClient.builder(), where, settingHint).httpClient(http(4)).build();
    }

    public static CloudWatchLogsClient logs(Where where, String settingHint) {
        return apply(CloudWatchLogsClient.builder(), where, settingHint).httpClient(http(8)).build();
    }

    private static <B extends AwsClientBuilder<B, ?>> B apply(B b, Where where, String settingHint) {
        b.region(region(where, settingHint));
        where.endpoint().ifPresent(b::endpointOverride);
        return b;
    }
}
