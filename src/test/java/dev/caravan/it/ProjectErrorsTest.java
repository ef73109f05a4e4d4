package dev.caravan.it;

import dev.caravan.testkit.FlowTest;

import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.FlowFixture;

import dev.caravan.emulators.awsbatch.AwsBatchEmulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static dev.caravan.it.CliTest.caravan;
import static org.assertj.core.api.Assertions.assertThat;

/** Bad metadata, a bad workflow and an unknown queue: one clear error each, and nothing changes. */
@FlowTest
class ProjectErrorsTest {

    static {
        System.setProperty("aws.accessKeyId", "testing");
        System.setProperty("aws.secretAccessKey", "testing");
    }

    @TempDir
    Path dir;

    private AwsBatchEmulator fake;
    private String conf;

    @BeforeEach
    void setUp() throws Exception {
        fake = new AwsBatchEmulator();
        Map<String, String> s = DaemonHarness.base(dir);
        s.put("caravan.env.aws.backend", "awsbatch");
        s.put("caravan.env.aws.region", "us-east-1");
        s.put("caravan.env.aws.endpoint", fake.endpoint().toString());
        conf = DaemonHarness.writeConfig(dir.resolve("c.properties"), s).toString();
        assertThat(caravan("cycle", "--once", "--config", conf).code()).isZero(); // the tracking clone exists
    }

    @AfterEach
    void tearDown() {
        fake.close();
    }

    private String snapshot() throws Exception {
        Path t = dir.resolve("tracking");
        if (!Files.exists(t)) {
            return "";
        }
        StringBuilder sb = new StringBuilder(FlowFixture.git(t, "rev-list", "--all"));
        sb.append(FlowFixture.git(t, "status", "--porcelain", "--untracked-files=all"));
        try (Stream<Path> s = Files.walk(t.resolve("jobs"))) {
            s.map(Path::toString).sorted().forEach(x -> sb.append(x).append('\n'));
        } catch (java.nio.file.NoSuchFileException e) {
            sb.append("no jobs\n");
        }
        return sb.toString();
    }

    private void fails(String expected, String... args) throws Exception {
        String before = snapshot();
        CliTest.Result r = caravan(args);
        assertThat(r.code()).as(r.err()).isNotZero();
        assertThat(r.err()).contains(expected);
        assertThat(r.err().lines().filter(l -> l.startsWith("caravan:")).count()).as(r.err()).isEqualTo(1);
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void badMetadataIsRefusedWithOneErrorAndNothingWritten() throws Exception {
        Files.writeString(dir.resolve("nocol.csv"), "name,file\nS1,a\n");
        fails("nocol.csv: column 'sample' (--sample-col) not found; the columns are: name, file",
                "project", "import", "p", "--metadata", dir.resolve("nocol.csv").toString(), "--config", conf);
        Files.writeString(dir.resolve("dup.csv"), "sample,file\nS1,a\nS2,b\nS1,c\n");
        fails("dup.csv, line 4: sample 'S1' is already on line 2",
                "project", "import", "p", "--metadata", dir.resolve("dup.csv").toString(), "--config", conf);
        Files.writeString(dir.resolve("dupfile.csv"), "id,path\nS1,a\nS2,a\n");
        fails("dupfile.csv, line 3: file 'a' is already on line 2", "project", "import", "p", "--metadata",
                dir.resolve("dupfile.csv").toString(), "--sample-col", "id", "--file-col", "path", "--config", conf);
        fails("--metadata " + dir.resolve("none.csv") + ": no such file",
                "project", "import", "p", "--metadata", dir.resolve("none.csv").toString(), "--config", conf);
    }

    @Test
    void badWorkflowsAndUnknownQueuesAreRefusedNamingTheField() throws Exception {
        Files.writeString(dir.resolve("m.csv"), "sample,file\nS1,a\nS2,b\n");
        assertThat(caravan("project", "import", "p", "--metadata", dir.resolve("m.csv").toString(), "--config", conf).code()).isZero();
        String[][] cases = {
                {"{\"analyses\": []}", "workflow_name: required"},
                {"{\"workflow_name\": \"w\", \"analyses\": [{\"job_definition\": \"fake-def\", \"queue\": \"fake-queue\"}]}",
                        "analyses[0].outputs: required"},
                {"{\"workflow_name\": \"w\", \"analyses\": [{\"job_defintion\": \"x\"}]}",
                        "analyses[0].job_defintion: unknown field"},
                {"{\"workflow_name\": \"w\", \"analyses\": [{\"job_definition\": \"fake-def\", \"queue\": \"fake-queue\","
                        + " \"outputs\": [\"out/x.bam\"]}]}", "analyses[0].outputs[0]: \"out/x.bam\" is not an s3:// path"},
                {"{\"workflow_name\": \"w\", \"analyses\": [{\"job_definition\": \"fake-def\", \"queue\": \"fake-queue\","
                        + " \"outputs\": [], \"parameters\": {\"in\": \"{fastq}\"}}]}",
                        "analyses[0].parameters.in, sample S1 (m.csv line 2): {fastq} is neither a metadata column nor a workflow key"},
                {"{\"workflow_name\": \"w\", \"analyses\": [{\"job_definition\": \"fake-def\", \"queue\": \"fake-queue\","
                        + " \"outputs\": [], \"containerOverrides\": {\"cpus\": 4}}]}", "containerOverrides.cpus: unknown field"},
                {"{\"workflow_name\": \"w\", \"analyses\": [{\"job_definition\": \"fake-def\", \"queue\": \"spot\","
                        + " \"outputs\": []}]}", "analyses[0].queue: job queue 'spot' does not exist on AWS Batch"},
                {"{\"workflow_name\": \"w\", \"analyses\": [{\"job_definition\": \"nodef:3\", \"queue\": \"fake-queue\","
                        + " \"outputs\": []}]}", "analyses[0].job_definition: job definition 'nodef:3' does not exist"},
                {"{\"workflow_name\": \"w\", \"analyses\": [", "malformed JSON"},
        };
        for (String[] c : cases) {
            Files.writeString(dir.resolve("wf.json"), c[0]);
            fails(c[1], "project", "create", "p", "--template", dir.resolve("wf.json").toString(), "--config", conf);
        }
        assertThat(fake.jobs()).isEmpty();
        fails("project p has no workflow yet", "project", "submit", "p", "--config", conf);
        fails("project q has no samples yet", "project", "create", "q", "--template", dir.resolve("wf.json").toString(),
                "--config", conf);
    }
}
