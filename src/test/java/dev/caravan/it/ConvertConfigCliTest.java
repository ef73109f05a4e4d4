package dev.caravan.it;

import dev.caravan.testkit.FlowTest;

import dev.caravan.emulators.slack.SlackEmulator;
import dev.caravan.testkit.GitFixtures;
import dev.caravan.testkit.Poll;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.emulators.wes.WesEmulator;
import dev.caravan.emulators.wes.WesEmulator.Kind;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code caravan convert-config job-scheduler.conf}: what it prints, its errors, and a one-shot cycle started on its
 * output as it is, with the credentials in the environment variables the file names.
 */
@FlowTest
class ConvertConfigCliTest {

    static final Path SHARED = Path.of(System.getProperty("caravan.shared.dir", "../shared"));
    static final Path CONF = SHARED.resolve("fixtures/icgc/job-scheduler.conf");
    static final Path DEMO = SHARED.resolve("fixtures/icgc/demo-jobs");

    @TempDir
    Path dir;

    @Test
    void printsThePropertiesOnStdout() {
        Assumptions.assumeTrue(Files.exists(CONF), "../shared not present");
        CliTest.Result r = CliTest.caravan("convert-config", CONF.toString());

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out().lines().filter(l -> !l.startsWith("#")).toList())
                .containsExactlyElementsOf(dev.caravan.icgc.ConvertConfigConverterTest.EXPECTED);
    }

    @Test
    void mistakesExitWithStatus2NamingTheFileAndField() throws Exception {
        Path bad = Files.writeString(dir.resolve("job-scheduler.conf"), "job_tracking_repo: x\nfoo: 1\n");
        CliTest.Result unknown = CliTest.caravan("convert-config", bad.toString());
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.out()).isEmpty();
        assertThat(unknown.err()).startsWith("caravan: convert-config: " + bad + ": line 2: foo: unknown key 'foo'");

        Files.writeString(bad, "job_tracking_repo: [x\n");
        CliTest.Result yaml = CliTest.caravan("convert-config", bad.toString());
        assertThat(yaml.code()).isEqualTo(2);
        assertThat(yaml.err()).contains(bad.toString()).contains("not valid YAML");

        Assumptions.assumeTrue(Files.exists(CONF), "../shared not present");
        Files.writeString(bad, Files.readString(CONF).replace(
                "        wes_url: https://wes.rdpc-qa.cancercollaboratory.org/api/v1/runs\n", ""));
        CliTest.Result noUrl = CliTest.caravan("convert-config", bad.toString());
        assertThat(noUrl.code()).isEqualTo(2);
        assertThat(noUrl.err()).contains(bad + ": compute_environments.rdpc_qa.wes_url is missing");

        CliTest.Result none = CliTest.caravan("convert-config", dir.resolve("absent.conf").toString());
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains(dir.resolve("absent.conf") + ": no such file");
    }

    @Test
    void usageAndHelp() {
        CliTest.Result noFile = CliTest.caravan("convert-config");
        assertThat(noFile.code()).isEqualTo(2);
        assertThat(noFile.err()).contains("convert-config needs FILE");
        assertThat(CliTest.caravan("convert-config", "a.conf", "b.conf").err()).contains("unexpected argument 'b.conf'");
        CliTest.Result help = CliTest.caravan("convert-config", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("usage: caravan convert-config FILE").contains("wes-dialect=argo");
        assertThat(CliTest.caravan("help").out()).contains("convert-config FILE");
    }

    /**
     * The converted file, unchanged, drives {@code cycle --once} in a JVM of its own whose environment holds the
     * variables the file names; only where things live (tracking clone, remote, URLs) is moved with -D to this test's
     * repo and emulator. The cycle starts, takes a token with the client id and secret from the environment, and
     * releases the demo's backlog job on rdpc_prod with the api token from the environment.
     */
    @Test
    void cycleOnceStartsOnTheConvertedFileWithTheVariablesSet() throws Exception {
        Assumptions.assumeTrue(Files.exists(CONF) && Files.isDirectory(DEMO), "../shared not present");
        Path config = Files.writeString(dir.resolve("caravan.properties"),
                CliTest.caravan("convert-config", CONF.toString()).out());
        Path seed = dir.resolve("seed");
        GitFixtures.copy(DEMO, seed.resolve("jobs"));
        Path remote = GitFixtures.bareRemote(dir.resolve("remote.git"), seed);
        try (WesEmulator emu = WesEmulator.start(WesEmulator.Dialect.ARGO).requireClient("prod-client", "prod-secret");
             SlackEmulator slack = new SlackEmulator()) {
            List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    "dev.caravan.cli.Caravan", "cycle", "--once", "--config", config.toString()));
            Map<String, String> where = new java.util.LinkedHashMap<>();
            where.put("caravan.tracking.remote", remote.toString());
            where.put("caravan.tracking.dir", dir.resolve("tracking").toString());
            where.put("caravan.work.dir", dir.resolve("work").toString());
            for (String env : List.of("rdpc_prod", "rdpc_qa")) {
                where.put("caravan.env." + env + ".url", emu.url());
                where.put("caravan.env." + env + ".graphql-url", emu.graphqlUrl());
                where.put("caravan.env." + env + ".token-url", emu.tokenUrl());
            }
            where.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("cycle.log").toFile());
            Map<String, String> env = pb.environment();
            env.put("PROD_CLIENT_ID", "prod-client");
            env.put("PROD_CLIENT_SECRET", "prod-secret");
            env.put("PROD_API_TOKEN", "prod-api-token");
            env.put("QA_CLIENT_ID", "qa-client");
            env.put("QA_CLIENT_SECRET", "qa-secret");
            env.put("QA_API_TOKEN", "qa-api-token");
            env.put("SLACK_HOOK_URL", slack.url());
            Process p = pb.start();
            boolean ended = p.waitFor(90, TimeUnit.SECONDS);
            String log = Files.readString(dir.resolve("cycle.log"));
            if (!ended) {
                p.destroyForcibly();
            }
            assertThat(ended).as("cycle --once ended; log:\n%s", log).isTrue();
            assertThat(p.exitValue()).as(log).isZero();
            assertThat(log).doesNotContain("prod-secret").doesNotContain("prod-api-token");

            assertThat(emu.count(Kind.TOKEN)).isEqualTo(1);
            assertThat(emu.count(Kind.SUBMIT)).isEqualTo(1);
            WesEmulator.Run run = emu.runs().get(emu.runs().size() - 1);
            JsonNode params = run.workflowParams();
            assertThat(params.path("api_token").asText()).isEqualTo("prod-api-token");
            assertThat(run.engine("revision")).isEqualTo("azure-transfer-wf.v0.12.0");
            assertThat(run.engine("workDir")).startsWith("/nfs-1-c1/work/PACA-CA/2021-06-20/job.0005/1-");
            assertThat(run.workflowUrl()).isEqualTo("https://github.com/icgc-argo/icgc-25k-azure-transfer.git");
            Path queued = dir.resolve("tracking/jobs/PACA-CA/2021-06-20/queued/job.0005");
            try (Stream<Path> s = Files.list(queued)) {
                assertThat(s.map(x -> x.getFileName().toString()).filter(n -> n.startsWith("run."))
                        .toList()).singleElement().satisfies(m -> assertThat(m)
                        .matches("run\\.\\d+\\.rdpc_prod\\." + run.runId()));
            }
            Poll.until("the push summary reached Slack", Duration.ofSeconds(5), () -> slack.anyContains("PACA-CA"));
        }
    }

    @Test
    void withoutTheVariablesStartUpStopsNamingTheSetting() throws Exception {
        Assumptions.assumeTrue(Files.exists(CONF), "../shared not present");
        Path config = Files.writeString(dir.resolve("caravan.properties"),
                CliTest.caravan("convert-config", CONF.toString()).out());
        Assumptions.assumeTrue(System.getenv("PROD_CLIENT_ID") == null, "PROD_CLIENT_ID is set in this environment");
        CliTest.Result r = CliTest.caravan("cycle", "--once", "--config", config.toString(),
                "-Dcaravan.tracking.dir=" + dir.resolve("tracking"));
        System.clearProperty("caravan.tracking.dir");

        // Camel resolves an unset {{env:VAR}} to nothing: the key whose value is missing is named
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("caravan.env.rdpc_prod.client-id").contains("is required").doesNotContain("\tat ");
        assertThat(dir.resolve("tracking")).doesNotExist();
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
