package dev.caravan.icgc;

import dev.caravan.model.BadInputException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** ICGC's job-scheduler.conf → caravan.* properties, without Camel: the lines, and errors naming file, line, field. */
public class ConvertConfigConverterTest {

    static final Path FIXTURE = Path.of(System.getProperty("caravan.shared.dir", "../shared"))
            .resolve("fixtures/icgc/job-scheduler.conf");

    /** What the real file converts to, setting lines only (the header is comments). */
    public static final List<String> EXPECTED = List.of(
            "caravan.tracking.remote=git@github.com:icgc-argo/icgc-25k-azure-transfer-job-tracking.git",
            "caravan.tracking.branch=scheduler",
            "caravan.tracking.admin-branch=main",
            "caravan.tracking.push-interval=3h",
            "caravan.cycle.cron=0 0/20 * * * ?",
            "caravan.slack.webhook-url={{env:SLACK_HOOK_URL}}",
            "caravan.env.rdpc_prod.backend=wes",
            "caravan.env.rdpc_prod.wes-dialect=argo",
            "caravan.env.rdpc_prod.url=https://wes.rdpc.cancercollaboratory.org/api/v1",
            "caravan.env.rdpc_prod.graphql-url=https://api.rdpc.cancercollaboratory.org/graphql",
            "caravan.env.rdpc_prod.token-url=https://ego.icgc-argo.org/api/oauth/token",
            "caravan.env.rdpc_prod.client-id={{env:PROD_CLIENT_ID}}",
            "caravan.env.rdpc_prod.client-secret={{env:PROD_CLIENT_SECRET}}",
            "caravan.env.rdpc_prod.api-token={{env:PROD_API_TOKEN}}",
            "caravan.env.rdpc_prod.max-parallel-runs=16",
            "caravan.env.rdpc_prod.excessive-failure-threshold=100",
            "caravan.env.rdpc_prod.nfs-root-paths=/nfs-1-c1,/nfs-1-c2,/nfs-1-c3,/nfs-1-c4,/nfs-2-c1,/nfs-2-c2,/nfs-2-c3,"
                    + "/nfs-2-c4,/nfs-3-c1,/nfs-3-c2,/nfs-3-c3,/nfs-3-c4,/nfs-4-c1,/nfs-4-c2,/nfs-4-c3,/nfs-4-c4",
            "caravan.env.rdpc_prod.workflow-url=https://github.com/icgc-argo/icgc-25k-azure-transfer.git",
            "caravan.env.rdpc_prod.workflow-version=azure-transfer-wf.v0.12.0",
            "caravan.env.rdpc_prod.offline=true",
            "caravan.env.rdpc_prod.submit-interval=5s",
            "caravan.env.rdpc_qa.backend=wes",
            "caravan.env.rdpc_qa.wes-dialect=argo",
            "caravan.env.rdpc_qa.url=https://wes.rdpc-qa.cancercollaboratory.org/api/v1",
            "caravan.env.rdpc_qa.graphql-url=https://api.rdpc-qa.cancercollaboratory.org/graphql",
            "caravan.env.rdpc_qa.token-url=https://ego.qa.argo.cancercollaboratory.org/api/oauth/token",
            "caravan.env.rdpc_qa.client-id={{env:QA_CLIENT_ID}}",
            "caravan.env.rdpc_qa.client-secret={{env:QA_CLIENT_SECRET}}",
            "caravan.env.rdpc_qa.api-token={{env:QA_API_TOKEN}}",
            "caravan.env.rdpc_qa.max-parallel-runs=16",
            "caravan.env.rdpc_qa.excessive-failure-threshold=100",
            "caravan.env.rdpc_qa.nfs-root-paths=/nfs-dev-1-vol-qa-1",
            "caravan.env.rdpc_qa.workflow-url=https://github.com/icgc-argo/icgc-25k-azure-transfer.git",
            "caravan.env.rdpc_qa.workflow-version=azure-transfer-wf.v0.12.0",
            "caravan.env.rdpc_qa.offline=true",
            "caravan.env.rdpc_qa.submit-interval=5s",
            "camel.main.name=caravan",
            "camel.main.routes-include-pattern=file:routes/*.camel.yaml",
            "camel.main.routes-reload-enabled=true",
            "camel.main.routes-reload-directory=routes",
            "camel.main.routes-reload-pattern=*.camel.yaml",
            "camel.main.shutdown-timeout=30",
            "camel.server.enabled=true",
            "camel.server.host=127.0.0.1",
            "camel.server.port=8180",
            "camel.server.max-body-size=16777216",
            "camel.management.enabled=true",
            "camel.management.host=127.0.0.1",
            "camel.management.port=8180",
            "camel.management.health-check-enabled=true",
            "camel.management.metrics-enabled=true",
            "camel.metrics.enabled=true");

    static final String SMALL = """
            job_tracking_repo: https://example.org/tracking.git
            tracking_repo_push_interval: 3
            scheduling_interval: 20
            compute_environments:
                rdpc_prod:
                    wes_url: https://wes.example.org/api/v1/runs
                    graphql_url: https://api.example.org/graphql
                    max_parallel_runs: 2
            workflow:
                url: https://github.com/icgc-argo/icgc-25k-azure-transfer.git
            """;

    @TempDir
    Path dir;

    static List<String> settingLines(String text) {
        return text.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
    }

    @Test
    void theRealFileGivesExactlyTheseLines() {
        Assumptions.assumeTrue(Files.exists(FIXTURE), "../shared not present: skipping the ICGC config conversion");
        String out = IcgcConfigConverter.convert(FIXTURE);

        assertThat(settingLines(out)).containsExactlyElementsOf(EXPECTED);
        assertThat(out).startsWith("# Caravan settings converted from job-scheduler.conf")
                .contains("PROD_CLIENT_ID PROD_CLIENT_SECRET PROD_API_TOKEN QA_CLIENT_ID QA_CLIENT_SECRET QA_API_TOKEN"
                        + " SLACK_HOOK_URL")
                .contains("-s STUDY").contains("-x STUDY")
                .contains("# caravan.groups.priority=\n# caravan.groups.exclude=\n");
    }

    @Test
    void theOutputReadsBackAsTheSameProperties() throws Exception {
        Assumptions.assumeTrue(Files.exists(FIXTURE), "../shared not present");
        Properties p = new Properties();
        p.load(new StringReader(IcgcConfigConverter.convert(FIXTURE)));

        assertThat(p).hasSize(EXPECTED.size());
        for (String line : EXPECTED) {
            int eq = line.indexOf('=');
            assertThat(p.getProperty(line.substring(0, eq))).isEqualTo(line.substring(eq + 1));
        }
    }

    @Test
    void optionalPartsAreLeftOutAndIntervalsConvert() {
        String out = IcgcConfigConverter.convert(SMALL.replace("push_interval: 3", "push_interval: 0.5")
                .replace("scheduling_interval: 20", "scheduling_interval: 120")
                .replace("/api/v1/runs", "/api/v1/runs/"), "small.conf");

        assertThat(settingLines(out).stream().filter(l -> l.startsWith("caravan."))).containsExactly(
                "caravan.tracking.remote=https://example.org/tracking.git",
                "caravan.tracking.branch=scheduler",
                "caravan.tracking.admin-branch=main",
                "caravan.tracking.push-interval=30m",
                "caravan.cycle.cron=0 0 0/2 * * ?",
                "caravan.env.rdpc_prod.backend=wes",
                "caravan.env.rdpc_prod.wes-dialect=argo",
                "caravan.env.rdpc_prod.url=https://wes.example.org/api/v1",
                "caravan.env.rdpc_prod.graphql-url=https://api.example.org/graphql",
                "caravan.env.rdpc_prod.max-parallel-runs=2",
                "caravan.env.rdpc_prod.workflow-url=https://github.com/icgc-argo/icgc-25k-azure-transfer.git",
                "caravan.env.rdpc_prod.submit-interval=5s");
        assertThat(out).contains("#   (none)");
    }

    @Test
    void badYamlNamesTheFileAndLine() {
        assertThatThrownBy(() -> IcgcConfigConverter.convert("job_tracking_repo: x\ncompute_environments:\n  a: [1, 2\n",
                "broken.conf"))
                .isInstanceOf(BadInputException.class)
                .hasMessageStartingWith("broken.conf: line ")
                .hasMessageContaining("not valid YAML");
    }

    @Test
    void anUnknownTopLevelKeyIsNamedWithItsLine() {
        assertThatThrownBy(() -> IcgcConfigConverter.convert(SMALL + "scheduling_intervall: 30\n", "job-scheduler.conf"))
                .isInstanceOf(BadInputException.class)
                .hasMessage("job-scheduler.conf: line 11: scheduling_intervall: unknown key 'scheduling_intervall' (known"
                        + " at the top level: job_tracking_repo, tracking_repo_push_interval, scheduling_interval,"
                        + " compute_environments, workflow, slack_notification)");
    }

    @Test
    void aMissingWesUrlIsNamed() {
        assertThatThrownBy(() -> IcgcConfigConverter.convert(
                SMALL.replace("        wes_url: https://wes.example.org/api/v1/runs\n", ""), "job-scheduler.conf"))
                .isInstanceOf(BadInputException.class)
                .hasMessage("job-scheduler.conf: compute_environments.rdpc_prod.wes_url is missing");
        assertThatThrownBy(() -> IcgcConfigConverter.convert(SMALL.replace("https://wes.example.org/api/v1/runs", ""),
                "job-scheduler.conf"))
                .hasMessage("job-scheduler.conf: line 6: compute_environments.rdpc_prod.wes_url: has no value");
    }

    @Test
    void otherMistakesNameTheField() {
        assertThat(message(SMALL.replace("max_parallel_runs: 2", "max_parallel_runs: two")))
                .isEqualTo("c.conf: line 8: compute_environments.rdpc_prod.max_parallel_runs: 'two' is not a whole number");
        assertThat(message(SMALL.replace("max_parallel_runs: 2", "max_parallel_runs: 2\n        wes_url2: x")))
                .startsWith("c.conf: line 9: compute_environments.rdpc_prod.wes_url2: unknown key 'wes_url2'");
        assertThat(message(SMALL.replace("rdpc_prod:", "rdpc prod:")))
                .startsWith("c.conf: line 5: compute_environments.rdpc prod: the environment name must be");
        assertThat(message(SMALL.replace("max_parallel_runs: 2", "max_parallel_runs: 2\n        token_url: https://t.example.org/oauth")))
                .startsWith("c.conf: line 9: compute_environments.rdpc_prod.ENV.client_id: is missing");
        assertThat(message(SMALL.replace("max_parallel_runs: 2", "max_parallel_runs: 2\n        ENV:\n            api_token: 9X")))
                .startsWith("c.conf: line 10: compute_environments.rdpc_prod.ENV.api_token: '9X' is not an environment variable name");
        assertThat(message(SMALL + "workflow:\n    url: y\n"))
                .startsWith("c.conf: line 11: workflow: given twice");
        assertThat(message(SMALL.replace("scheduling_interval: 20", "scheduling_interval: 90")))
                .startsWith("c.conf: line 3: scheduling_interval: 90 minutes cannot be a cron schedule");
        assertThat(message("- just\n- a list\n")).isEqualTo("c.conf: line 1: the top level: must be a mapping of keys to"
                + " values (job_tracking_repo, tracking_repo_push_interval, scheduling_interval, compute_environments,"
                + " workflow, slack_notification)");
        assertThat(message("")).isEqualTo("c.conf: empty; expected the scheduler's YAML settings");
    }

    @Test
    void aMissingFileIsNamed() {
        Path none = dir.resolve("nothing.conf");
        assertThatThrownBy(() -> IcgcConfigConverter.convert(none)).hasMessage(none + ": no such file");
    }

    private static String message(String yaml) {
        try {
            IcgcConfigConverter.convert(yaml, "c.conf");
        } catch (BadInputException e) {
            return e.getMessage();
        }
        throw new AssertionError("no error for:\n" + yaml);
    }
}
