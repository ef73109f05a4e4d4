package dev.caravan.backend.awsbatch;

import dev.caravan.aws.AwsClients;
import dev.caravan.aws.Backoff;
import dev.caravan.backend.Backend;
import dev.caravan.backend.BackendContext;
import dev.caravan.backend.BackendFactory;
import dev.caravan.model.Environment;
import dev.caravan.settings.SettingsReader;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The {@code awsbatch} kind. Settings under {@code caravan.env.<name>.}:
 *
 * <pre>
 * region            AWS region (else the SDK's: AWS_REGION, the profile)
 * endpoint          endpoint override for Batch, S3 and CloudWatch Logs (else the SDK's, AWS_ENDPOINT_URL)
 * job-queue         default queue for jobs whose params.json has no job_queue
 * job-definition    default job definition for jobs whose params.json has no job_definition
 * timeout           seconds per attempt (timeout.attemptDurationSeconds), default 21600, at least 60
 * retry-attempts    retryStrategy.attempts, 1..10, default 1
 * log-group         CloudWatch Logs group of the jobs' logs, default /aws/batch/job
 * request-attempts  tries per AWS call on throttling, 5xx and lost answers (jittered exponential backoff), default 8
 * max-connections   HTTP connections to AWS Batch, default 64
 * outputs-cache-ttl how long an S3 folder listing is reused, default 10m
 * </pre>
 *
 * {@code submit-rate} defaults to 50 per second for this kind: AWS's fixed SubmitJob rate per account.
 */
public final class AwsBatchBackendFactory implements BackendFactory {

    public static final String KIND = "awsbatch";
    public static final int DEFAULT_SUBMIT_RATE = 50;
    public static final int DEFAULT_TIMEOUT = 21600;
    public static final String DEFAULT_LOG_GROUP = "/aws/batch/job";

    static final Set<String> KEYS = Set.of("region", "endpoint", "job-queue", "job-definition", "timeout",
            "retry-attempts", "log-group", "request-attempts", "max-connections", "outputs-cache-ttl");

    /** Everything read from the settings, checked. */
    public record Config(String env, AwsClients.Where where, Optional<String> queue, Optional<String> definition,
                         int timeout, int retryAttempts, String logGroup, int requestAttempts, int maxConnections,
                         Duration outputsCacheTtl) {

        public String key(String k) {
            return "caravan.env." + env + "." + k;
        }
    }

    /** DescribeJobs takes 100 ids a call and is throttled per account; 30 s follows runs that take minutes. */
    @Override
    public Duration defaultPollInterval() {
        return Duration.ofSeconds(30);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Set<String> settingKeys() {
        return KEYS;
    }

    @Override
    public int defaultSubmitRate() {
        return DEFAULT_SUBMIT_RATE;
    }

    @Override
    public void validate(Environment env) {
        Config c = config(env);
        AwsClients.region(c.where(), c.key("region"));
    }

    @Override
    public Backend create(Environment env, BackendContext context) {
        return create(config(env), context);
    }

    public static AwsBatchBackend create(Config c, BackendContext context) {
        BatchClient batch = AwsClients.batch(c.where(), c.key("region"), c.maxConnections(), Duration.ofSeconds(30));
        List<AutoCloseable> closeables = new ArrayList<>();
        closeables.add(batch);
        AwsBatchStats[] holder = new AwsBatchStats[1];
        // the S3 client is built beside whatever runs before the first submission (a one-shot's intake, the cycle's
        // plan): built on the first submission's path, every submission of a release waited a second for it
        java.util.concurrent.FutureTask<S3Client> s3Built = new java.util.concurrent.FutureTask<>(
                () -> AwsClients.s3(c.where(), c.key("region")));
        closeables.add(() -> {
            s3Built.cancel(false);
            if (s3Built.isDone() && !s3Built.isCancelled()) {
                try {
                    s3Built.get().close();
                } catch (java.util.concurrent.ExecutionException e) {
                    // never built: nothing to close
                }
            }
        });
        Thread builder = new Thread(s3Built, "s3-client-" + c.env());
        builder.setDaemon(true);
        builder.start();
        Supplier<S3Outputs> outputs = new Supplier<>() {
            private S3Outputs made;

            @Override
            public synchronized S3Outputs get() {
                if (made == null) {
                    made = new S3Outputs(built(s3Built), c.outputsCacheTtl(), context.clock(), holder[0].s3ListCalls);
                }
                return made;
            }
        };
        AwsBatchBackend b = new AwsBatchBackend(c.env(), batch, outputs,
                new BatchJobSpec.Defaults(c.queue(), c.definition(), c.timeout(), c.retryAttempts()),
                Backoff.standard(c.requestAttempts()), context.clock(), closeables);
        holder[0] = b.stats();
        return b;
    }

    /** The S3 client once built; what building it threw, as it would have thrown on the caller's thread. */
    private static S3Client built(java.util.concurrent.FutureTask<S3Client> task) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return task.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The settings of an awsbatch environment, checked; a {@link dev.caravan.settings.ConfigException} names the key. */
    public static Config config(Environment env) {
        SettingsReader r = SettingsReader.of(env);
        Optional<URI> endpoint = r.optional("endpoint").map(v -> AwsClients.endpoint(r.key("endpoint"), v));
        Optional<String> region = r.optional("region");
        region.ifPresent(x -> {
            if (!x.matches("[a-z]{2}(-[a-z]+)+-\\d+")) {
                throw r.bad("region", "'" + x + "' is not an AWS region name (like us-east-1)");
            }
        });
        return new Config(env.name(), new AwsClients.Where(region, endpoint), r.optional("job-queue"),
                r.optional("job-definition"), r.integer("timeout", DEFAULT_TIMEOUT, 60),
                r.integer("retry-attempts", 1, 1, 10), r.string("log-group", DEFAULT_LOG_GROUP),
                r.integer("request-attempts", 8, 1, 20), r.integer("max-connections", 64, 1, 1000),
                r.duration("outputs-cache-ttl", "10m", SettingsReader.Bound.NOT_NEGATIVE));
    }
}
