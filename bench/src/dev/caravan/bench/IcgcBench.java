package dev.caravan.bench;

import dev.caravan.engine.Engine;
import dev.caravan.model.Job;
import dev.caravan.model.JobRef;
import dev.caravan.model.State;
import dev.caravan.report.StateReport;
import dev.caravan.tracking.ScanResult;
import dev.caravan.tracking.TreeScanner;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import static dev.caravan.bench.Bench.*;

/**
 * Benchmark 1: the real ICGC tracking tree (14,590 jobs, 2021-09-01). Argument 1: a folder holding the
 * extracted tarball as {@code src/jobs/...}; argument 2: target/caravan.jar. Runs with the project root as the
 * working directory (the daemon reads routes/*.camel.yaml from there).
 */
public final class IcgcBench {

    static final String B = "1 ICGC tree 2021-09-01";
    static final String ENV = "rdpc_prod";

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]).toAbsolutePath();
        Path jar = Path.of(args[1]).toAbsolutePath();
        int commitRepeats = Integer.getInteger("bench.commitRepeats", 3);
        Path src = out.resolve("src");
        Path remote = out.resolve("remote.git");

        // --- the tree as a Git repo, with the git CLI ------------------------------------------------
        long tGit = time(() -> {
            git(src, "init", "-q", "-b", "main");
            git(src, "add", "-A");
            git(src, "commit", "-q", "-m", "ICGC tracking jobs 2021-09-01");
            git(out, "clone", "-q", "--bare", src.toString(), remote.toString());
        });
        String base = git(src, "rev-parse", "HEAD");
        info(B, "setup: git init, add, commit, clone --bare (git CLI)", ms(tGit), "not timed against anything; base " + base.substring(0, 8));

        // --- 1a index load ---------------------------------------------------------------------------
        File jobsDir = src.resolve("jobs").toFile();
        new TreeScanner().scan(jobsDir); // warm-up
        List<Long> scans = new ArrayList<>();
        ScanResult r = null;
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            r = new TreeScanner().scan(jobsDir);
            scans.add(System.nanoTime() - t0);
        }
        timed(B, "1a index load: TreeScanner.scan(jobs/)", median(scans), -1,
                "median of 5 after 1 warm-up scan, same JVM; runs " + all(scans));
        int queuedAll = r.index().inState(State.QUEUED).size();
        int backlogAll = r.index().inState(State.BACKLOG).size();
        int folders = jobFolders(jobsDir);
        check(B, "1a jobs indexed", r.index().size() == folders && r.warnings().isEmpty(),
                String.format("%,d (queued %d, backlog %d; %d warnings)", r.index().size(), queuedAll, backlogAll,
                        r.warnings().size()), String.format("%,d", folders),
                "index.size() against the job folders in the tarball (jobs/*/*/*/*, counted with File.list;"
                        + " the issue says 14,590, the tarball holds " + String.format("%,d", folders) + ")");

        List<Job> inFlight = r.index().inFlight(ENV);
        Set<String> backlogGroups = new TreeSet<>();
        r.index().inState(State.BACKLOG).forEach(j -> backlogGroups.add(j.ref().group()));
        Set<String> moveDirs = new LinkedHashSet<>();
        Set<String> queuedDirs = new LinkedHashSet<>();
        for (Job j : inFlight) {
            queuedDirs.add(dir(j.ref(), State.QUEUED));
            moveDirs.add(dir(j.ref(), State.QUEUED));
            moveDirs.add(dir(j.ref(), State.COMPLETED));
        }
        log(inFlight.size() + " jobs in flight on " + ENV + "; groups with backlog (excluded): " + backlogGroups);

        // --- 1b report -------------------------------------------------------------------------------
        final ScanResult idx = r;
        String report = StateReport.render(idx.index().counts()); // warm-up
        List<Long> renders = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            renders.add(time(() -> StateReport.render(idx.index().counts())));
        }
        timed(B, "1b report in-process: StateReport.render(index.counts())", median(renders), -1,
                "median of 5 after 1 warm-up; " + report.lines().count() + " lines");
        List<Long> cliReports = new ArrayList<>();
        String cliOut = null;
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            cliOut = run(out, "java", "-jar", jar.toString(), "report", "--tracking", src.toString());
            cliReports.add(System.nanoTime() - t0);
        }
        timed(B, "1b report CLI: java -jar caravan.jar report --tracking DIR (wall, with JVM start)",
                median(cliReports), -1, "median of 3, no warm-up (each is a new JVM); runs " + all(cliReports)
                        + (report.equals(cliOut) ? "; output = in-process report" : "; OUTPUT DIFFERS from in-process report"));

        // --- 1c one cycle through the routes -----------------------------------------------------------
        Path cyc = out.resolve("cycle");
        Properties props = settings(cyc, remote, backlogGroups);
        BenchBackend.hold = true;
        long tStart = System.nanoTime();
        try (Daemon1 d = startDaemon(cyc, props)) {
            info(B, "1c daemon start in-process (Caravan clones the remote, checks out, indexes)",
                    ms(System.nanoTime() - tStart), "Camel Main start(), not a target");
            d.noPushDue();
            long idle = time(d::cycle);
            info(B, "1c warm-up: first cycle, idle (backend answers 'running', nothing moves)", ms(idle),
                    "not a target; the first cycle also hashes the whole index once (indexDiffersFromHead)");
            BenchBackend.hold = false;
            BenchBackend.resetCounters();
            sync();
            long cycle = time(d::cycle);
            timed(B, "1c one cycle via direct:cycle: 16 queued → completed, incl. stage + commit", cycle, -1,
                    "one run, second cycle of this daemon; backend calls: " + BenchBackend.counters());
            Optional<String> problem = verifyCycle(d, inFlight, cyc.resolve("tracking"), base, moveDirs, queuedDirs);
            check(B, "1c result: 16 jobs in completed, exactly 1 new commit touching only their files",
                    problem.isEmpty(), problem.orElse("ok"), "ok", "index, files and git CLI checked after the cycle");
            Breakdown.run(B, d, cyc.resolve("tracking"), base, ENV);
        }

        // --- 1c commit alone: the same setup, cycle steps called by hand, only direct:commit timed --------
        List<Long> commits = new ArrayList<>();
        for (int i = 0; i < commitRepeats; i++) {
            Path cdir = out.resolve("commit-" + i);
            BenchBackend.hold = true;
            try (Daemon1 d = startDaemon(cdir, settings(cdir, remote, backlogGroups))) {
                d.noPushDue();
                d.cycle(); // idle warm-up cycle, as in the setup above
                BenchBackend.hold = false;
                Engine e = d.engine();
                e.beginCycle();
                e.reconcile(ENV);
                e.poll(ENV);
                e.gates(ENV);
                e.release(ENV);
                sync();
                long c = time(d::commit);
                commits.add(c);
                Optional<String> problem = verifyCycle(d, inFlight, cdir.resolve("tracking"), base, moveDirs, queuedDirs);
                if (problem.isPresent()) {
                    check(B, "1c commit setup " + (i + 1) + " result", false, problem.get(), "ok", "");
                }
            }
            deleteTree(cdir);
        }
        long caravanCommit = median(commits);
        timed(B, "1c Caravan commit: direct:commit (stage 16 moves + camel-git commit)", caravanCommit, -1,
                "median of " + commits.size() + " fresh setups (each: new clone, idle cycle, steps by hand); runs "
                        + all(commits) + "; JIT warm from earlier commits in this JVM");

        // --- 1d the git CLI on the same change ---------------------------------------------------------
        Path cli = out.resolve("cli");
        git(out, "clone", "-q", "-b", "main", remote.toString(), cli.toString());
        git(cli, "config", "commit.gpgsign", "false");
        StringBuilder mv = new StringBuilder();
        for (Job j : inFlight) {
            String from = dir(j.ref(), State.QUEUED);
            String to = dir(j.ref(), State.COMPLETED);
            mv.append("mkdir -p '").append(parent(to)).append("' && mv -T '").append(from).append("' '").append(to)
                    .append("'\n");
        }
        List<Long> cliCommits = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sh(cli, mv.toString());
            String ns = sh(cli, "sync; t0=$(date +%s%N); git add -A && git commit -q -m x; t1=$(date +%s%N); echo $((t1-t0))");
            cliCommits.add(Long.parseLong(ns.strip()));
            Optional<String> problem = verifyOneCommit(cli, base, moveDirs, queuedDirs);
            if (problem.isPresent()) {
                check(B, "1d git CLI run " + (i + 1) + " result", false, problem.get(), "ok", "");
            }
            git(cli, "reset", "-q", "--hard", "HEAD~1");
        }
        long cliCommit = median(cliCommits);
        timed(B, "1d git CLI: git add -A && git commit (same 16 moves, done with mv)", cliCommit, -1,
                "median of 3 in a fresh git clone at the same commit, timed inside bash; runs " + all(cliCommits));
        row(B, "1c vs 1d: Caravan commit ≤ git CLI add -A + commit",
                ms(caravanCommit) + " vs " + ms(cliCommit), "Caravan ≤ CLI",
                caravanCommit <= cliCommit ? "PASS" : "FAIL",
                String.format("ratio %.2f", caravanCommit / (double) cliCommit));
        log("done");
        System.exit(0);
    }

    static Properties settings(Path dir, Path remote, Set<String> excluded) {
        Properties p = baseSettings(dir, remote);
        p.put("caravan.groups.exclude", String.join(",", excluded));
        p.put("caravan.env." + ENV + ".backend", BenchBackendFactory.KIND);
        p.put("caravan.env." + ENV + ".max-parallel-runs", "16");
        return p;
    }

    static Optional<String> verifyCycle(Daemon1 d, List<Job> moved, Path tracking, String base, Set<String> allowed,
                                        Set<String> required) throws Exception {
        Engine e = d.engine();
        if (e.trackingProblem().isPresent()) {
            return Optional.of("cycle problem: " + e.trackingProblem().get());
        }
        int completed = 0;
        for (Job j : moved) {
            JobRef ref = j.ref();
            boolean ok = e.inspect(t -> t.index()).get(ref).map(x -> x.state().equals(State.COMPLETED)).orElse(false)
                    && Files.isDirectory(tracking.resolve(dir(ref, State.COMPLETED)))
                    && !Files.exists(tracking.resolve(dir(ref, State.QUEUED)));
            completed += ok ? 1 : 0;
        }
        if (completed != 16 || moved.size() != 16) {
            return Optional.of(completed + " of " + moved.size() + " jobs in completed (expected 16 of 16)");
        }
        return verifyOneCommit(tracking, base, allowed, required);
    }

    /** Folders at jobs/GROUP/BATCH/STATE/JOB, hidden ones left out. */
    static int jobFolders(File jobs) {
        int n = 0;
        for (File g : subdirs(jobs)) {
            for (File b : subdirs(g)) {
                for (File st : subdirs(b)) {
                    n += subdirs(st).length;
                }
            }
        }
        return n;
    }

    private static File[] subdirs(File d) {
        File[] f = d.listFiles(x -> x.isDirectory() && !x.getName().startsWith("."));
        return f == null ? new File[0] : f;
    }

    private static String parent(String dir) {
        String s = dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
        return s.substring(0, s.lastIndexOf('/'));
    }
}
