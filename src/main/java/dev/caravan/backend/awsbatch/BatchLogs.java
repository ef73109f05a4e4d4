package dev.caravan.backend.awsbatch;

import dev.caravan.aws.AwsClients;
import software.amazon.awssdk.services.batch.model.AttemptDetail;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.GetLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;

/** {@code project logs}: each job's CloudWatch Logs stream, every page, to {@code STATUS.JOBNAME.JOBID.log}. */
public final class BatchLogs implements AutoCloseable {

    public record Result(int written, long events, int withoutStream, int missingStream) {
    }

    private final CloudWatchLogsClient logs;
    private final String group;

    private BatchLogs(CloudWatchLogsClient logs, String group) {
        this.logs = logs;
        this.group = group;
    }

    public static BatchLogs open(AwsBatchBackendFactory.Config c) {
        return new BatchLogs(AwsClients.logs(c.where(), c.key("region")), c.logGroup());
    }

    public Result save(Collection<JobDetail> jobs, Path dir) throws IOException {
        int written = 0;
        long events = 0;
        int without = 0;
        int missing = 0;
        for (JobDetail d : jobs) {
            String stream = streamOf(d);
            if (stream == null) {
                without++;
                continue;
            }
            Path file = dir.resolve(d.status() + "." + JobNames.legal(d.jobName()) + "." + d.jobId() + ".log");
            try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                String token = null;
                while (true) {
                    String t = token;
                    GetLogEventsResponse r = logs.getLogEvents(b -> b.logGroupName(group).logStreamName(stream)
                            .startFromHead(true).nextToken(t));
                    for (OutputLogEvent e : r.events()) {
                        w.write(e.message());
                        w.write('\n');
                        events++;
                    }
                    if (r.nextForwardToken() == null || r.nextForwardToken().equals(token) || r.events().isEmpty()) {
                        break;
                    }
                    token = r.nextForwardToken();
                }
                written++;
            } catch (ResourceNotFoundException e) {
                Files.deleteIfExists(file);
                missing++;
            }
        }
        return new Result(written, events, without, missing);
    }

    static String streamOf(JobDetail d) {
        if (d.container() != null && d.container().logStreamName() != null) {
            return d.container().logStreamName();
        }
        for (int i = d.attempts().size() - 1; i >= 0; i--) {
            AttemptDetail a = d.attempts().get(i);
            if (a.container() != null && a.container().logStreamName() != null) {
                return a.container().logStreamName();
            }
        }
        return null;
    }

    @Override
    public void close() {
        logs.close();
    }
}
