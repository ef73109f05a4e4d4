package dev.caravan.batches.export;

import dev.caravan.batches.BatchInputException;
import dev.caravan.batches.runner.ItemRun;
import dev.caravan.batches.runner.ItemScript;
import dev.caravan.batches.runner.Shell;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Mesmerize's "export for a cluster" as an archive made from values: {@code jobs_<timestamp>/} holds one
 * {@code <job_id>.sh} per item (the {@code #SBATCH} lines, the prefix commands, then the same item runner
 * the daemon runs, so the outputs are the same), {@code submit-all.sh} (sbatch --parsable, in order;
 * {@code CHAIN=1} makes each item wait for the one before, as Mesmerize runs one at a time),
 * {@code run-all.sh} (the same items one after another with bash, no Slurm) and a README.
 *
 * <p>The archive is a tar.gz: tar keeps the scripts executable, and every cluster has tar, where unzip
 * is often missing on login nodes.
 */
public final class ClusterExport {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss")
            .withZone(ZoneOffset.UTC);

    /** The archive: its suggested file name, the folder inside it, and its bytes. */
    public record Archive(String fileName, String folder, byte[] bytes) {
    }

    private ClusterExport() {
    }

    public static Archive build(ExportRequest request) {
        if (request.items().isEmpty()) {
            throw BatchInputException.field("items", "batch " + request.group() + "/" + request.batch()
                    + " has no item to export");
        }
        String folder = "jobs_" + STAMP.format(request.at());
        TarGz tar = new TarGz(request.at().getEpochSecond());
        tar.directory(folder);
        tar.directory(folder + "/logs");
        List<String> scripts = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (ExportItem item : request.items()) {
            ItemRun run = item.run();
            if (!seen.add(run.jobId())) {
                throw BatchInputException.field("items", "item " + run.jobId() + " is listed twice");
            }
            String script = run.jobId() + ".sh";
            scripts.add(script);
            SlurmResources resources = (item.resources() == null ? SlurmResources.NONE : item.resources())
                    .orElse(request.batchResources());
            tar.file(folder + "/" + script, 0755, ItemScript.render(run, sbatch(run.jobId(), resources),
                    request.prefixCommands()));
        }
        String batch = request.group() + "/" + request.batch();
        tar.file(folder + "/submit-all.sh", 0755, submitAll(batch, scripts));
        tar.file(folder + "/run-all.sh", 0755, runAll(batch, scripts));
        tar.file(folder + "/README.txt", 0644, readme(batch, folder, scripts.size()));
        String name = request.group() + "-" + request.batch() + "-" + folder + ".tar.gz";
        return new Archive(name, folder, tar.finish());
    }

    /** Slurm reads options up to the first space: names and log files get a form without one. */
    static String slurmName(String jobId) {
        return jobId.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static List<String> sbatch(String jobId, SlurmResources resources) {
        String name = slurmName(jobId);
        List<String> lines = new ArrayList<>();
        lines.add("#SBATCH --job-name=" + name);
        lines.addAll(resources.sbatchLines());
        lines.add("#SBATCH --output=logs/" + name + ".%j.out");
        lines.add("#SBATCH --error=logs/" + name + ".%j.err");
        return lines;
    }

    private static String list(List<String> scripts) {
        StringBuilder s = new StringBuilder();
        for (String script : scripts) {
            s.append("  ").append(Shell.quote(script)).append(" \\\n");
        }
        return s.toString();
    }

    /** The start both batch scripts share: where they run, the logs folder, the loop over the items in order. */
    private static String loopOverItems(String comment, String init, List<String> scripts) {
        return "#!/usr/bin/env bash\n" + comment
                + "cd \"$(dirname \"$0\")\" || exit 1\n"
                + "mkdir -p logs\n"
                + init
                + "for script in \\\n" + list(scripts) + "  ; do\n";
    }

    private static String submitAll(String batch, List<String> scripts) {
        return loopOverItems("# Submits the " + scripts.size() + " items of " + batch
                + " to Slurm, in order. Each sbatch job id\n"
                + "# goes to submitted.tsv. CHAIN=1 ./submit-all.sh makes each item start after the one before\n"
                + "# has ended (--dependency=afterany), one at a time as Mesmerize runs them.\n", "prev=\n", scripts)
                + "  if [ -n \"${CHAIN:-}\" ] && [ -n \"$prev\" ]; then\n"
                + "    id=$(sbatch --parsable --dependency=afterany:\"$prev\" \"$script\")\n"
                + "  else\n"
                + "    id=$(sbatch --parsable \"$script\")\n"
                + "  fi || { echo \"sbatch failed for $script; the items before it were submitted\" >&2; exit 1; }\n"
                + "  id=${id%%;*}\n"
                + "  printf '%s\\t%s\\n' \"${script%.sh}\" \"$id\" >> submitted.tsv\n"
                + "  echo \"submitted ${script%.sh} as Slurm job $id\"\n"
                + "  prev=$id\n"
                + "done\n";
    }

    private static String runAll(String batch, List<String> scripts) {
        return loopOverItems("# Runs the " + scripts.size() + " items of " + batch
                + " here, one after another, without Slurm.\n"
                + "# Each item's output goes to logs/<job_id>.out and .err; a failed item does not stop the others.\n",
                "completed=0\nfailed=0\n", scripts)
                + "  item=${script%.sh}\n"
                + "  if bash \"$script\" > \"logs/$item.out\" 2> \"logs/$item.err\"; then\n"
                + "    completed=$((completed + 1))\n"
                + "    echo \"completed $item\"\n"
                + "  else\n"
                + "    rc=$?\n"
                + "    failed=$((failed + 1))\n"
                + "    echo \"failed $item (exit status $rc; see logs/$item.err)\"\n"
                + "  fi\n"
                + "done\n"
                + "echo \"$completed completed, $failed failed\"\n"
                + "[ \"$failed\" = 0 ]\n";
    }

    private static String readme(String batch, String folder, int count) {
        return "Caravan export of batch " + batch + ": " + count + " items.\n\n"
                + "  tar -xzf <this archive> && cd " + folder + "\n"
                + "  ./submit-all.sh            submit every item to Slurm, in order (CHAIN=1: one at a time)\n"
                + "  ./run-all.sh               run every item here with bash, one after another\n"
                + "  bash <job_id>.sh           run one item\n\n"
                + "Each <job_id>.sh runs the item's tasks in its work folder and records them in\n"
                + "run_metadata.json there; tasks already completed are skipped, as when Caravan runs them.\n";
    }
}
