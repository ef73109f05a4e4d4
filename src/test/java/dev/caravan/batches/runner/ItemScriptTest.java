package dev.caravan.batches.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.batches.BatchInputException;
import dev.caravan.testkit.Poll;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generates item scripts and runs them with bash: files, metadata, skip, force rebuild, failure, base, scratch. */
class ItemScriptTest {

    @TempDir
    Path tmp;

    private Path work() {
        return tmp.resolve("work/G1/b1/item-1");
    }

    private static List<RenderedTask> tasks(String... nameCommand) {
        List<RenderedTask> out = new java.util.ArrayList<>();
        for (int i = 0; i < nameCommand.length; i += 2) {
            out.add(new RenderedTask(nameCommand[i], nameCommand[i + 1]));
        }
        return out;
    }

    private Bash.Result run(ItemRun item) throws Exception {
        return Bash.run(Bash.write(tmp.resolve("scripts"), "run.sh", ItemScript.render(item)));
    }

    @Test
    void runsTasksInOrderWritesFilesAndRecordsMetadata() throws Exception {
        ItemRun item = ItemRun.of("item-1", work(), tasks(
                "fetch_dem", "echo one > one.txt",
                "build_channels", "cat one.txt feature.geojson > two.txt; echo \"$CARAVAN_TASK $CARAVAN_JOB_ID\" >> two.txt"))
                .withFiles(Map.of("feature.geojson", "{\"type\": \"Feature\"}\n"));
        Bash.Result r = run(item);
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(Files.readString(work().resolve("two.txt")))
                .isEqualTo("one\n{\"type\": \"Feature\"}\nbuild_channels item-1\n");
        JsonNode meta = Bash.metadata(work());
        assertThat(meta.get("status").asText()).isEqualTo("completed");
        assertThat(meta.get("job_id").asText()).isEqualTo("item-1");
        assertThat(meta.get("error").isNull()).isTrue();
        assertThat(meta.get("started").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(meta.get("completed").asText()).isGreaterThanOrEqualTo(meta.get("started").asText());
        assertThat(meta.get("duration_s").asDouble()).isGreaterThanOrEqualTo(0);
        assertThat(meta.get("tasks").fieldNames()).toIterable().containsExactly("fetch_dem", "build_channels");
        JsonNode task = meta.at("/tasks/build_channels");
        assertThat(task.get("status").asText()).isEqualTo("completed");
        assertThat(task.get("exit_code").asInt()).isZero();
        assertThat(task.get("duration_s").isNumber()).isTrue();
        assertThat(r.output()).contains("[caravan] task fetch_dem: started", "[caravan] item item-1: completed");
        try (Stream<Path> files = Files.list(work())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("one.txt", "two.txt",
                    "feature.geojson", "run_metadata.json");
        }
    }

    @Test
    void aSecondRunSkipsWhatCompletedAndForceRebuildRunsEverythingInAFreshFolder() throws Exception {
        ItemRun item = ItemRun.of("item-1", work(), tasks("count", "echo x >> count.txt", "copy", "cp count.txt c2"));
        assertThat(run(item).exit()).isZero();
        Bash.Result second = run(item);
        assertThat(second.exit()).isZero();
        assertThat(second.output()).contains("task count: skipped (completed earlier)",
                "task copy: skipped (completed earlier)");
        assertThat(Files.readAllLines(work().resolve("count.txt"))).hasSize(1);
        Files.writeString(work().resolve("stray.txt"), "left over");

        Bash.Result forced = run(item.withForceRebuild(true));
        assertThat(forced.exit()).as(forced.output()).isZero();
        assertThat(work().resolve("stray.txt")).doesNotExist();
        assertThat(Files.readAllLines(work().resolve("count.txt"))).hasSize(1);
        assertThat(Bash.metadata(work()).get("force_rebuild").asBoolean()).isTrue();
        assertThat(Bash.metadata(work()).get("warnings")).isEmpty();
        try (Stream<Path> siblings = Files.list(work().getParent())) {
            assertThat(siblings.map(p -> p.getFileName().toString())).containsExactly("item-1");
        }
    }

    @Test
    void aStaleFolderThatWillNotGoAwayIsAWarningNotAFailure() throws Exception {
        ItemRun item = ItemRun.of("item-1", work(), tasks("a", "echo a > a.txt"));
        assertThat(run(item).exit()).isZero();
        // as root nothing refuses deletion, so an rm on the PATH refuses it for the moved-aside folder
        Path spy = tmp.resolve("spy");
        Files.createDirectories(spy);
        Path rm = spy.resolve("rm");
        Files.writeString(rm, "#!/bin/bash\ncase \"$*\" in *.stale.*) echo 'rm: cannot remove' >&2; exit 1 ;; esac\n"
                + "exec /bin/rm \"$@\"\n");
        rm.toFile().setExecutable(true);
        Bash.Result r = Bash.run(Bash.write(tmp.resolve("scripts"), "run.sh",
                ItemScript.render(item.withForceRebuild(true))), Map.of("PATH", spy + ":" + System.getenv("PATH")));
        assertThat(r.exit()).as(r.output()).isZero();
        JsonNode meta = Bash.metadata(work());
        assertThat(meta.get("status").asText()).isEqualTo("completed");
        assertThat(meta.get("warnings").get(0).asText()).startsWith("force rebuild: could not delete " + work()
                + ".stale.").endsWith("; delete it by hand");
        assertThat(meta.at("/tasks/a/status").asText()).isEqualTo("completed");
        try (Stream<Path> siblings = Files.list(work().getParent())) {
            assertThat(siblings.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("item-1.stale."));
        }
    }

    @Test
    void aFailingTaskStopsTheItemAndTheNextRunGoesOnFromIt() throws Exception {
        ItemRun failing = ItemRun.of("item-1", work(), tasks("a", "echo a > a.txt", "b", "echo oops >&2; exit 3",
                "c", "echo c > c.txt"));
        Bash.Result r = run(failing);
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.output()).contains("oops", "task b: failed with exit status 3");
        assertThat(work().resolve("c.txt")).doesNotExist();
        JsonNode meta = Bash.metadata(work());
        assertThat(meta.get("status").asText()).isEqualTo("failed");
        assertThat(meta.at("/error/type").asText()).isEqualTo("TaskFailed");
        assertThat(meta.at("/error/message").asText()).isEqualTo("task 'b' exited with status 3");
        assertThat(meta.at("/tasks/b/status").asText()).isEqualTo("failed");
        assertThat(meta.at("/tasks/b/exit_code").asInt()).isEqualTo(3);
        assertThat(meta.at("/tasks/a/status").asText()).isEqualTo("completed");
        assertThat(meta.get("tasks").has("c")).isFalse();

        Bash.Result fixed = run(ItemRun.of("item-1", work(), tasks("a", "echo a >> a.txt", "b", "true",
                "c", "echo c > c.txt")));
        assertThat(fixed.exit()).isZero();
        assertThat(Files.readAllLines(work().resolve("a.txt"))).containsExactly("a");
        assertThat(work().resolve("c.txt")).exists();
        assertThat(Bash.metadata(work()).get("status").asText()).isEqualTo("completed");
        assertThat(Bash.metadata(work()).get("error").isNull()).isTrue();
    }

    @Test
    void prefixCommandsRunFirstAndTheirShellOptionsDoNotBreakTheRunner() throws Exception {
        ItemRun item = ItemRun.of("item-1", work(), tasks("a", "echo \"$FROM_PREFIX\" > a.txt", "b", "exit 5"));
        String script = ItemScript.render(item, List.of("# header line"), List.of("set -euo pipefail",
                "export FROM_PREFIX=loaded"));
        assertThat(script).startsWith("#!/usr/bin/env bash\n# header line\n");
        Bash.Result r = Bash.run(Bash.write(tmp.resolve("scripts"), "run.sh", script));
        assertThat(r.exit()).isEqualTo(5);
        assertThat(Files.readString(work().resolve("a.txt"))).isEqualTo("loaded\n");
        assertThat(Bash.metadata(work()).at("/error/message").asText()).isEqualTo("task 'b' exited with status 5");
    }

    @Test
    void recordsOfTasksTurnedOffAreKept() throws Exception {
        assertThat(run(ItemRun.of("item-1", work(), tasks("a", "true", "b", "true"))).exit()).isZero();
        assertThat(run(ItemRun.of("item-1", work(), tasks("b", "true"))).exit()).isZero();
        Bash.Result again = run(ItemRun.of("item-1", work(), tasks("a", "echo ran > a.txt", "b", "true")));
        assertThat(again.output()).contains("task a: skipped");
        assertThat(work().resolve("a.txt")).doesNotExist();
    }

    @Test
    void theBaseFolderIsCopiedIntoAFreshFolderAndAgainOnForceRebuild() throws Exception {
        Path base = tmp.resolve("_base");
        Files.createDirectories(base.resolve("sub"));
        Files.writeString(base.resolve("project.cfg"), "original\n");
        Files.writeString(base.resolve("sub/dem.tif"), "dem");
        ItemRun item = ItemRun.of("item-1", work(), tasks("edit", "cat project.cfg >> seen.txt; echo changed > project.cfg",
                "later", "echo later"))
                .withBase(base);
        assertThat(run(item).exit()).isZero();
        assertThat(Files.readString(work().resolve("seen.txt"))).isEqualTo("original\n");
        assertThat(Files.readString(work().resolve("sub/dem.tif"))).isEqualTo("dem");
        assertThat(run(item).exit()).isZero();
        assertThat(Files.readString(work().resolve("project.cfg"))).as("no second copy").isEqualTo("changed\n");
        assertThat(run(item.withForceRebuild(true)).exit()).isZero();
        assertThat(Files.readString(work().resolve("seen.txt"))).isEqualTo("original\n");
        assertThat(Files.readString(base.resolve("project.cfg"))).isEqualTo("original\n");
    }

    @Test
    void aScratchFolderIsWhereItRunsAndTheOutputsMoveInAfter() throws Exception {
        Path scratch = tmp.resolve("scratch/item-1");
        Path spy = tmp.resolve("spy");
        Files.createDirectories(spy);
        // a cp on the PATH that notes the work folder's metadata when the runner moves the outputs
        Path cp = spy.resolve("cp");
        Files.writeString(cp, "#!/bin/bash\n[ -f \"$CARAVAN_WORK_DIR/run_metadata.json\" ] && /bin/cp "
                + "\"$CARAVAN_WORK_DIR/run_metadata.json\" " + Shell.quote(tmp.resolve("during-cp.json").toString())
                + "\nexec /bin/cp \"$@\"\n");
        cp.toFile().setExecutable(true);
        Files.createDirectories(work());
        Files.writeString(work().resolve("input.txt"), "in");
        ItemRun item = ItemRun.of("item-1", work(), tasks(
                "where", "pwd > where.txt; cp \"$CARAVAN_WORK_DIR/run_metadata.json\" meta-during-task.json",
                "use", "cat input.txt > used.txt"))
                .withScratch(scratch).withFiles(Map.of("feature.geojson", "{}"));
        Bash.Result r = Bash.run(Bash.write(tmp.resolve("scripts"), "run.sh", ItemScript.render(item)),
                Map.of("PATH", spy + ":" + System.getenv("PATH")));
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(Files.readString(work().resolve("where.txt")).trim()).isEqualTo(scratch.toString());
        assertThat(Files.readString(work().resolve("used.txt"))).isEqualTo("in");
        assertThat(work().resolve("feature.geojson")).exists();
        assertThat(scratch).doesNotExist();
        assertThat(Bash.metadata(work()).get("status").asText()).isEqualTo("completed");
        assertThat(Bash.metadata(work()).at("/tasks/use/status").asText()).isEqualTo("completed");
        JsonNode duringTask = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                work().resolve("meta-during-task.json").toFile());
        assertThat(duringTask.get("status").asText()).isEqualTo("running");
        assertThat(duringTask.get("tasks").size()).as("the work folder gets task records only with the outputs")
                .isZero();
        JsonNode duringMove = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                tmp.resolve("during-cp.json").toFile());
        assertThat(duringMove.get("status").asText()).isEqualTo("moving");
        assertThat(r.output()).contains("moving outputs into " + work());
        Bash.Result again = Bash.run(Bash.write(tmp.resolve("scripts"), "run.sh", ItemScript.render(item)));
        assertThat(again.output()).contains("task where: skipped", "task use: skipped");
    }

    @Test
    void aFailureInScratchLeavesTheWorkFolderAsItWas() throws Exception {
        Path scratch = tmp.resolve("scratch/item-1");
        ItemRun item = ItemRun.of("item-1", work(), tasks("a", "echo a > a.txt", "b", "exit 4")).withScratch(scratch);
        assertThat(run(item).exit()).isEqualTo(4);
        assertThat(work().resolve("a.txt")).doesNotExist();
        assertThat(scratch).doesNotExist();
        JsonNode meta = Bash.metadata(work());
        assertThat(meta.get("status").asText()).isEqualTo("failed");
        assertThat(meta.at("/error/message").asText()).isEqualTo("task 'b' exited with status 4");
    }

    @Test
    void killedWithSigkillNothingUnfinishedIsRecordedComplete() throws Exception {
        Path script = Bash.write(tmp.resolve("scripts"), "run.sh", ItemScript.render(ItemRun.of("item-1", work(),
                tasks("quick", "true", "slow", "echo $$ > slow.pid; exec sleep 60"))));
        Process p = new ProcessBuilder("setsid", "bash", script.toString()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("out.log").toFile()).start();
        Poll.until("the slow task runs", Duration.ofSeconds(30), () -> Files.exists(work().resolve("slow.pid")));
        long pgid = p.pid();
        new ProcessBuilder("kill", "-KILL", "--", "-" + pgid).start().waitFor();
        p.waitFor();
        JsonNode meta = Bash.metadata(work());
        assertThat(meta.at("/tasks/slow/status").asText()).isEqualTo("running");
        assertThat(meta.at("/tasks/quick/status").asText()).isEqualTo("completed");
        Bash.Result rerun = Bash.run(Bash.write(tmp.resolve("scripts"), "run2.sh", ItemScript.render(ItemRun.of(
                "item-1", work(), tasks("quick", "true", "slow", "echo done > slow.txt")))));
        assertThat(rerun.exit()).isZero();
        assertThat(rerun.output()).contains("task quick: skipped").contains("task slow: started");
        assertThat(work().resolve("slow.txt")).exists();
    }

    @Test
    void sigtermAbortsTheItemAndKillsTheRunningTask() throws Exception {
        Path script = Bash.write(tmp.resolve("scripts"), "run.sh", ItemScript.render(ItemRun.of("item-1", work(),
                tasks("slow", "bash -c 'echo $$ > inner.pid; exec sleep 60' & echo $! > outer.pid; wait"))));
        Process p = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("out.log").toFile()).start();
        Poll.until("the task's process runs", Duration.ofSeconds(30),
                () -> Files.exists(work().resolve("inner.pid")) && size(work().resolve("inner.pid")) > 0);
        long inner = Long.parseLong(Files.readString(work().resolve("inner.pid")).trim());
        new ProcessBuilder("kill", "-TERM", String.valueOf(p.pid())).start().waitFor();
        assertThat(p.waitFor()).isEqualTo(143);
        Poll.until("the task's sleep is gone", Duration.ofSeconds(10), () -> ProcessHandle.of(inner).isEmpty()
                || !ProcessHandle.of(inner).get().isAlive());
        JsonNode meta = Bash.metadata(work());
        assertThat(meta.get("status").asText()).isEqualTo("aborted");
        assertThat(meta.at("/error/type").asText()).isEqualTo("Aborted");
        assertThat(meta.at("/error/message").asText()).isEqualTo("stopped by SIGTERM during task 'slow'");
        assertThat(meta.at("/tasks/slow/status").asText()).isEqualTo("interrupted");
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    @Test
    void valuesAreQuotedSoNothingInThemRuns() throws Exception {
        Path odd = tmp.resolve("it's a \"dir\" $(touch pwned) `touch pwned2`");
        Path work = odd.resolve("Blue Creek-NW");
        String content = "it's \"quoted\" $(touch pwned3) `x` \\ \n second line ' \t end";
        ItemRun item = new ItemRun("Blue Creek-NW", work, tasks("show.v1", "cat feature.geojson > copy.txt;"
                + " printf '%s' \"$ODD\" > env.txt; printf '%s' \"$CARAVAN_WORK_DIR\" > dir.txt"),
                null, null, false, Map.of("feature.geojson", content), Map.of("ODD", content));
        Bash.Result r = run(item);
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(Files.readString(work.resolve("copy.txt"), StandardCharsets.UTF_8)).isEqualTo(content);
        assertThat(Files.readString(work.resolve("env.txt"), StandardCharsets.UTF_8)).isEqualTo(content);
        assertThat(Files.readString(work.resolve("dir.txt"))).isEqualTo(work.toString());
        assertThat(Bash.metadata(work).get("job_id").asText()).isEqualTo("Blue Creek-NW");
        try (Stream<Path> all = Files.walk(tmp)) {
            assertThat(all.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("pwned"));
        }
    }

    @Test
    void refusesWhatCannotBeRunSafely() {
        List<RenderedTask> t = tasks("a", "true");
        assertThatThrownBy(() -> ItemScript.render(ItemRun.of("x", Path.of("relative/dir"), t)))
                .isInstanceOf(BatchInputException.class).hasMessageContaining("absolute");
        assertThatThrownBy(() -> ItemScript.render(ItemRun.of("x", Path.of("/a/../b"), t)))
                .hasMessageContaining("normalised");
        assertThatThrownBy(() -> ItemScript.render(ItemRun.of("x", work(), t).withScratch(work().resolve("s"))))
                .hasMessageContaining("must lie outside the work folder");
        assertThatThrownBy(() -> ItemScript.render(ItemRun.of("x", work(), tasks("a b", "true"))))
                .hasMessageContaining("not a valid task name");
        assertThatThrownBy(() -> ItemScript.render(ItemRun.of("x", work(), tasks("a", "echo \0"))))
                .hasMessageContaining("NUL");
        assertThatThrownBy(() -> ItemScript.render(ItemRun.of("x", work(), t).withFiles(Map.of("../up", ""))))
                .hasMessageContaining("cannot be an item file name");
        assertThatThrownBy(() -> ItemScript.render(ItemRun.of("x", work(), t).withFiles(Map.of(
                ItemScript.METADATA, "")))).hasMessageContaining("cannot be an item file name");
        assertThatThrownBy(() -> ItemScript.render(ItemRun.of("x", work(), t).withEnvironment(Map.of("A-B", ""))))
                .hasMessageContaining("environment variable");
        assertThatThrownBy(() -> ItemScript.render(ItemRun.of("x", work(), List.of())))
                .hasMessageContaining("no task");
    }
}
