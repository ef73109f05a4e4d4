package dev.caravan.projects;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.model.BadInputException;
import dev.caravan.model.Job;
import dev.caravan.model.TreeFile;
import dev.caravan.tracking.TreeView;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * How a project lives in the tracking tree: a group, its workflows batches, its definition beside the jobs.
 *
 * <pre>
 * jobs/&lt;project&gt;/metadata.json                   the samples (project import)
 * jobs/&lt;project&gt;/&lt;workflow&gt;/workflow.json        the template, as given (project create)
 * jobs/&lt;project&gt;/&lt;workflow&gt;/project.json         the environment it runs on
 * jobs/&lt;project&gt;/&lt;workflow&gt;/batch-summary.tsv    job id, sample, analysis (project submit)
 * jobs/&lt;project&gt;/&lt;workflow&gt;/&lt;state&gt;/&lt;sample&gt;.&lt;nn&gt;-&lt;analysis&gt;/   one job per sample × analysis
 * </pre>
 */
public final class ProjectFiles {

    public static final String METADATA = "metadata.json";
    public static final String WORKFLOW = "workflow.json";
    public static final String PROJECT = "project.json";
    public static final String SUMMARY = "batch-summary.tsv";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ProjectFiles() {
    }

    public static TreeFile metadata(String project) {
        return TreeFile.ofGroup(project, METADATA);
    }

    public static TreeFile workflow(String project, String workflow) {
        return TreeFile.ofBatch(project, workflow, WORKFLOW);
    }

    public static TreeFile definition(String project, String workflow) {
        return TreeFile.ofBatch(project, workflow, PROJECT);
    }

    public static TreeFile summary(String project, String workflow) {
        return TreeFile.ofBatch(project, workflow, SUMMARY);
    }

    /** {@code project.json}: which environment a workflow runs on. */
    static String definitionJson(String project, String workflow, String env) {
        ObjectNode p = JSON.createObjectNode();
        p.put("project", project);
        p.put("workflow", workflow);
        p.put("env", env);
        try {
            return JSON.writeValueAsString(p) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The environment a workflow's {@code project.json} names. */
    static String environmentOf(TreeView tree, String project, String workflow) {
        TreeFile f = definition(project, workflow);
        String text = tree.read(f).orElseThrow(() -> new BadInputException(tree.pathOf(f) + ": no such file"));
        try {
            return JSON.readTree(text).path("env").asText();
        } catch (IOException e) {
            throw new BadInputException(tree.pathOf(f) + ": " + e.getMessage());
        }
    }

    /** The project's workflows: its batches that have a {@code workflow.json}, sorted. */
    public static List<String> workflows(TreeView tree, String project) {
        return tree.batchesWithFile(project, WORKFLOW);
    }

    /** The project's samples, as {@code project import} wrote them. */
    static Metadata metadata(TreeView tree, String project) {
        TreeFile f = metadata(project);
        String text = tree.read(f).orElseThrow(() -> new BadInputException("project " + project
                + " has no samples yet (caravan project import " + project + " --metadata FILE.csv)"));
        return Metadata.fromJson(text, tree.pathOf(f).toString());
    }

    /** The jobs of one workflow, by path. */
    static List<Job> jobs(TreeView tree, String project, String workflow) {
        List<Job> out = new ArrayList<>();
        for (Job j : tree.index().all()) {
            if (j.ref().group().equals(project) && j.ref().batch().equals(workflow)) {
                out.add(j);
            }
        }
        out.sort((a, b) -> a.ref().compareTo(b.ref()));
        return out;
    }
}
