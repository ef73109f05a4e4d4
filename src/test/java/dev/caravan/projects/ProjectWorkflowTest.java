package dev.caravan.projects;

import dev.caravan.backend.awsbatch.JobNames;
import dev.caravan.model.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Templates, their precedence, the plan of a project's jobs, and AWS-legal job names. */
class ProjectWorkflowTest {

    @TempDir
    Path dir;

    @Test
    void templatesFillNamesAndKeepDoubledBraces() {
        Map<String, String> v = Map.of("a", "1", "my col", "x y");
        assertThat(Template.render("s3://b/{a}/{my col}.txt {{literal}}", v, "f")).isEqualTo("s3://b/1/x y.txt {literal}");
        assertThatThrownBy(() -> Template.render("{b}", v, "analyses[0].outputs[0], sample S1"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("analyses[0].outputs[0], sample S1: {b} is neither");
        assertThatThrownBy(() -> Template.render("{a:03d}", v, "f")).hasMessageContaining("no format specs");
        assertThatThrownBy(() -> Template.render("a}", v, "f")).hasMessageContaining("single '}'");
        assertThatThrownBy(() -> Template.render("{a", v, "f")).hasMessageContaining("without a closing");
    }

    @Test
    void caravansNamesThenColumnsThenWorkflowKeys() throws Exception {
        Files.writeString(dir.resolve("m.csv"), "sample,file,ref,project_name\nS.1,f1,hg19,nope\n");
        Metadata md = Metadata.read(dir.resolve("m.csv"), "sample", "file");
        Workflow wf = Workflow.parse("""
                {"workflow_name": "w", "ref": "hg38", "genome": "grch", "project_name": "also-nope",
                 "analyses": [{"job_definition": "arn:aws:batch:us-east-1:1:job-definition/bwa-mem:3", "queue": "q",
                   "outputs": ["s3://b/{project_name}/{_sample}/{ref}-{genome}.bam"],
                   "parameters": {"f": "{_filepath}", "wf": "{workflow_name}"}},
                  {"name": "call", "job_definition": "gatk", "queue": "q", "outputs": []}]}
                """, "wf.json");
        List<ProjectPlan.PlannedJob> plan = ProjectPlan.plan("proj", wf, md, "wf.json", dev.caravan.camel.AwsBatchCalls.RULES);
        assertThat(plan).extracting(ProjectPlan.PlannedJob::jobId).containsExactly("S_1.01-bwa-mem", "S_1.02-call");
        assertThat(plan.get(1).after()).contains("S_1.01-bwa-mem");
        assertThat(plan.get(0).params().path("outputs").get(0).asText()).isEqualTo("s3://b/proj/S.1/hg19-grch.bam");
        assertThat(plan.get(0).params().path("parameters").path("f").asText()).isEqualTo("f1");
        assertThat(plan.get(0).params().path("parameters").path("wf").asText()).isEqualTo("w");
        assertThat(plan.get(0).params().path("sample").asText()).isEqualTo("S.1");
        assertThat(ProjectPlan.shadowed("proj", wf, md)).contains("metadata column 'ref' hides the workflow key 'ref' in templates",
                "metadata column 'project_name' is hidden by Caravan's own {project_name}",
                "workflow key 'project_name' is hidden by Caravan's own {project_name}");
    }

    @Test
    void twoAnalysesGivenOneNameOrSamplesThatCollideAreRefused() throws Exception {
        assertThatThrownBy(() -> Workflow.parse("{\"workflow_name\": \"w\", \"analyses\": [{\"name\": \"x\", \"job_definition\": \"a:1\","
                + " \"queue\": \"q\", \"outputs\": []}, {\"name\": \"x\", \"job_definition\": \"b:2\", \"queue\": \"q\", \"outputs\": []}]}", "wf.json"))
                .hasMessageContaining("analyses[1].name: 'x' is also the name of analyses[0]");
        Files.writeString(dir.resolve("m.csv"), "sample,file\nS 1,a\nS/1,b\n");
        assertThatThrownBy(() -> Metadata.read(dir.resolve("m.csv"), "sample", "file"))
                .hasMessageContaining("line 3: sample 'S/1' and sample 'S 1' both become job id part 'S_1'");
    }

    @Test
    void stepsOnOneJobDefinitionWithoutNamesAreAcceptedAsAwsBatchHelpersAcceptsThem() throws Exception {
        // aws-batch-helpers' own check (batch_project/lib.py, valid_workflow) knows no "name" and accepts this as it is
        Workflow wf = Workflow.parse("""
                {"workflow_name": "w", "project_name": "p", "analyses": [
                  {"job_definition": "toolbox:1", "queue": "q", "outputs": [], "description": "sort"},
                  {"job_definition": "arn:aws:batch:us-east-1:1:job-definition/toolbox:1", "queue": "q", "outputs": []},
                  {"name": "toolbox-2", "job_definition": "other:1", "queue": "q", "outputs": []},
                  {"job_definition": "toolbox:2", "queue": "q", "outputs": []}]}
                """, "wf.json");
        assertThat(wf.analyses()).extracting(Workflow.Analysis::name)
                .containsExactly("toolbox", "toolbox-3", "toolbox-2", "toolbox-4");
        Files.writeString(dir.resolve("m.csv"), "sample,file\nS1,f1\n");
        List<ProjectPlan.PlannedJob> plan = ProjectPlan.plan("p", wf, Metadata.read(dir.resolve("m.csv"), "sample", "file"),
                "wf.json", dev.caravan.camel.AwsBatchCalls.RULES);
        assertThat(plan).extracting(ProjectPlan.PlannedJob::jobId)
                .containsExactly("S1.01-toolbox", "S1.02-toolbox-3", "S1.03-toolbox-2", "S1.04-toolbox-4");
    }

    @Test
    void awsJobNamesAreLegal() {
        assertThat(JobNames.legal("proj_wf_S 1.01-align")).isEqualTo("proj_wf_S_1_01-align");
        assertThat(JobNames.legal("_x")).isEqualTo("j_x");
        assertThat(JobNames.legal("a")).isEqualTo("a_");
        String longName = JobNames.legal("p".repeat(200));
        assertThat(longName).hasSize(128).matches("[A-Za-z0-9][A-Za-z0-9_-]*");
        assertThat(JobNames.legal("p".repeat(200))).isEqualTo(longName).isNotEqualTo(JobNames.legal("p".repeat(201)));
        assertThat(JobNames.isLegal(longName)).isTrue();
    }
}
