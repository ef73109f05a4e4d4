package dev.caravan.bench.icgc;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.emulators.wes.WesEmulator;
import dev.caravan.emulators.wes.WesEmulator.Kind;
import dev.caravan.emulators.slack.SlackEmulator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Figure 4: ICGC's {@code scheduler.py} itself beside Caravan's {@code cycle --once}, in this run, on the same tree
 * and the same emulated RDPCs. Both make the whole pass as ICGC ran it from cron: poll the 16 runs, move 14 jobs,
 * release 10, commit and push to their own bare remote (a copy per pass). Once with ICGC's pauses (scheduler.py's
 * {@code time.sleep(5)} after each submission; Caravan's converted {@code submit-interval} of 5 s), and REPEATS times
 * without (scheduler.py's sleep skipped; Caravan's interval 0 s), the two programs taking turns. Every {@code git}
 * either starts is counted by a logging shim on its PATH.
 */
final class IcgcPeerFigures {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final IcgcWesBench b;
    private final Path jar;
    private final Path convertedFile;
    private final Path realConf;
    private final Path shimDir;
    private int passes;
    /** Where each Caravan pass without pauses spent its time. */
    private final List<Map<String, Long>> caravanParts = new ArrayList<>();

    IcgcPeerFigures(IcgcWesBench b, Path jar, Path convertedFile, Path realConf) {
        this.b = b;
        this.jar = jar;
        this.convertedFile = convertedFile;
        this.realConf = realConf;
        this.shimDir = b.work.resolve("gitshim");
    }

    /** One pass of either program: wall (process start to exit), git calls, what the emulators saw. */
    record Pass(long ns, int gitCalls, int tokens, int graphql, int states, int submits) {
        String requests() {
            return tokens + " token calls, " + graphql + " GraphQL requests for " + states + " run states, " + submits
                    + " submissions";
        }
    }

    void run(int repeats) throws Exception {
        IcgcPeer.gitShim(shimDir);
        Object located = IcgcPeer.locate(b.root, optionalPeer(), shimDir);
        IcgcPeer peer = located instanceof IcgcPeer p ? p : null;
        String why = located instanceof String s ? s : "";
        if (peer != null) {
            b.row("4 peer", peer.schedulerPy() + commitOf(peer.schedulerPy()), "-", "info",
                    "run unchanged by " + IcgcPeer.PYTHON + " through bench/peers/icgc_scheduler.py");
        } else {
            b.row("4 peer", why, "-", "skipped", "Caravan's side is still measured below");
        }

        List<Long> caravanFast = new ArrayList<>();
        List<Long> peerFast = new ArrayList<>();
        List<Long> gitCli = new ArrayList<>();
        Pass caravanFirst = null;
        Pass peerFirst = null;
        for (int i = 0; i < repeats; i++) {
            if (peer != null) {
                Pass p = peerPass(peer, true);
                peerFast.add(p.ns());
                IcgcWesBench.say("pass " + (i + 1) + ": scheduler.py " + secs(p.ns()));
                peerFirst = peerFirst == null ? p : peerFirst;
            }
            Pass c = caravanPass("0s");
            caravanFast.add(c.ns());
            caravanFirst = caravanFirst == null ? c : caravanFirst;
            gitCli.add(gitCliPass());
            // each pass as it ends, so a run stopped early still shows its figures
            IcgcWesBench.say("pass " + (i + 1) + ": Caravan " + secs(c.ns()) + ", git CLI "
                    + secs(gitCli.get(i)) + " (load " + IcgcWesBench.load() + ")");
        }
        List<Map<String, Long>> fastParts = new ArrayList<>(caravanParts);
        // the paced passes take about a minute each and add no ratio to the targets: ICGC_BENCH_PACED=0 leaves them out
        boolean paced = !"0".equals(System.getenv("ICGC_BENCH_PACED"));
        Pass peerPaced = peer == null || !paced ? null : peerPass(peer, false);
        Pass caravanPaced = paced ? caravanPass(null) : null;

        long cf = IcgcWesBench.median(caravanFast);
        if (peer == null) {
            b.row("4b one pass, pauses skipped: Caravan cycle --once (JVM start included)", secs(cf), "≤ 1.0× scheduler.py",
                    "skipped", "no peer to compare with; Caravan's runs " + all(caravanFast));
            if (caravanPaced != null) {
                b.row("4a one pass with ICGC's 5 s pauses: Caravan", secs(caravanPaced.ns()), "-", "info",
                        "submit-interval 5 s as converted");
            }
        } else {
            long pf = IcgcWesBench.median(peerFast);
            double ratio = (double) cf / pf;
            b.row("4b one pass, pauses skipped: Caravan cycle --once (JVM start included) vs scheduler.py",
                    "Caravan " + secs(cf) + " · scheduler.py " + secs(pf) + " · " + ratio(ratio), "≤ 1.00×",
                    ratio <= 1.0 ? "PASS" : "FAIL", "medians of " + repeats + ", taking turns; Caravan " + all(caravanFast)
                            + " (submit-interval 0 s), scheduler.py " + all(peerFast) + " (time.sleep skipped)");
            if (caravanPaced != null) b.row("4a one pass with ICGC's 5 s pauses: Caravan vs scheduler.py",
                    "Caravan " + secs(caravanPaced.ns()) + " · scheduler.py " + secs(peerPaced.ns()) + " · "
                            + ratio((double) caravanPaced.ns() / peerPaced.ns()), "-", "info",
                    "one run each: Caravan submit-interval 5 s as converted (9 pauses between 10 submissions),"
                            + " scheduler.py time.sleep(5) after each of its 10 submissions");
        }
        long gc = IcgcWesBench.median(gitCli);
        double gr = (double) cf / gc;
        b.row("4e the same change with the git CLI: Caravan cycle --once (JVM start included) vs git mv, add, commit, push",
                "Caravan " + secs(cf) + " · git CLI " + secs(gc) + " · " + ratio(gr), "≤ 1.00×", gr <= 1.0 ? "PASS" : "FAIL",
                "issue 10 point 13: the moves and run markers of Caravan's commit made again on a fresh copy by a bash"
                        + " script (git mv per job, touch and git add per marker, git commit, git push to its own bare"
                        + " remote), process start to exit; medians of " + repeats + ", after each Caravan pass; Caravan "
                        + all(caravanFast) + ", git CLI " + all(gitCli));
        b.partRows("4e part (Caravan)", fastParts, repeats);
        b.check("4c git subprocesses in one pass", caravanFirst.gitCalls() == 0, "Caravan " + caravanFirst.gitCalls()
                        + (peerFirst == null ? "" : " · scheduler.py " + peerFirst.gitCalls()), "Caravan 0",
                "counted by a git shim first on each program's PATH (first pass without pauses); each pass's commands"
                        + " are in " + b.work + "/peer-*.log.git-calls");
        b.row("4d requests in one pass", "Caravan: " + caravanFirst.requests()
                        + (peerFirst == null ? "" : " · scheduler.py: " + peerFirst.requests()), "-", "info",
                "counted by the emulators (first pass without pauses)");
    }

    private Optional<String> optionalPeer() {
        return b.peerArg();
    }

    // --- passes --------------------------------------------------------------------------------------

    /** A full copy of the tree (scheduler.py writes files in place) and of the bare remote, for one pass. */
    private Path[] copies(String name) throws Exception {
        Path copy = b.work.resolve(name);
        Path remote = b.work.resolve(name + "-remote.git");
        IcgcWesBench.sh(b.work, "rm -rf '" + copy + "' '" + remote + "' && cp -a template '" + copy + "' && cp -a '"
                + b.remote + "' '" + remote + "' && git -C '" + copy + "' remote set-url origin '" + remote + "'");
        return new Path[] {copy, remote};
    }

    /** What a pass does on its copies and the scenario's emulators (the 16 runs ended as the scenario says). */
    private interface PassBody {
        Pass run(Path[] copies, IcgcWesBench.Rdpc prod, IcgcWesBench.Rdpc qa, SlackEmulator slack) throws Exception;
    }

    private Pass onScenario(String name, PassBody body) throws Exception {
        Path[] c = copies(name);
        try (IcgcWesBench.Rdpc prod = new IcgcWesBench.Rdpc(IcgcWesBench.PROD);
             IcgcWesBench.Rdpc qa = new IcgcWesBench.Rdpc(IcgcWesBench.QA); SlackEmulator slack = new SlackEmulator()) {
            b.preload(prod, "RUNNING");
            b.finishScenario(prod);
            return body.run(c, prod, qa, slack);
        }
    }

    private Pass peerPass(IcgcPeer peer, boolean skipPauses) throws Exception {
        String name = "peer-" + (++passes) + (skipPauses ? "-nopause" : "-paced");
        return onScenario(name, (c, prod, qa, slack) -> {
            Path conf = b.work.resolve(name + ".conf");
            Files.writeString(conf, IcgcPeer.config(realConf, Map.of(IcgcWesBench.PROD, prod, IcgcWesBench.QA, qa)));
            IcgcWesBench.sh(b.work, "sync");
            IcgcPeer.Pass p = peer.run(c[0], conf, skipPauses, IcgcWesBench.credentials(slack), b.work.resolve(name + ".log"));
            String label = "scheduler.py " + name;
            b.check("4 " + label + ": exit status", p.exit() == 0, "exit " + p.exit() + String.format(Locale.ROOT,
                    ", %.2f s in main()", p.innerSeconds()), "exit 0", "log: " + p.log());
            return finish(label, c, prod, qa, p.wallNs(), p.gitCalls());
        });
    }

    /** The git CLI script making the change of Caravan's last commit (set by {@link #caravanPass}). */
    private String gitCliScript;

    /** Caravan's commit as the seed made its changes: git mv per job moved, git add per new run marker. */
    static String gitCliScript(Path repo) throws Exception {
        Map<String, String> from = new java.util.TreeMap<>();
        Map<String, String> to = new java.util.TreeMap<>();
        java.util.Set<String> removed = new java.util.HashSet<>();
        List<String> added = new ArrayList<>();
        for (String line : IcgcWesBench.sh(repo, "/usr/bin/git diff --name-status --no-renames HEAD~1 HEAD").lines().toList()) {
            String[] f = line.split("\t");
            String[] p = f[1].split("/");
            if (p.length != 6 || !p[0].equals("jobs")) {
                continue;
            }
            String job = p[1] + "/" + p[2] + "/" + p[4];
            String folder = String.join("/", p[0], p[1], p[2], p[3], p[4]);
            if (f[0].equals("D")) {
                from.put(job, folder);
                removed.add(job + "/" + p[5]);
            } else if (f[0].equals("A")) {
                to.put(job, folder);
                added.add(f[1]);
            }
        }
        StringBuilder sb = new StringBuilder("set -e\n");
        from.forEach((job, f) -> {
            String t = to.get(job);
            if (t != null) {
                sb.append("mkdir -p '").append(t.substring(0, t.lastIndexOf('/'))).append("' && git mv '").append(f)
                        .append("' '").append(t).append("'\n");
            }
        });
        for (String a : added) {
            String[] p = a.split("/");
            if (removed.contains(p[1] + "/" + p[2] + "/" + p[4] + "/" + p[5])) {
                continue; // moved with its folder
            }
            sb.append("touch '").append(a).append("' && git add '").append(a).append("'\n");
        }
        sb.append("git commit -q -m '[scheduler] update job status'\ngit push -q origin scheduler\n");
        return sb.toString();
    }

    /** One run of {@link #gitCliScript} on a fresh copy with its own remote: process start to exit. */
    private long gitCliPass() throws Exception {
        Path[] c = copies("peer-" + (++passes) + "-gitcli");
        Path script = b.work.resolve("peer-" + passes + "-gitcli.sh");
        Files.writeString(script, gitCliScript);
        IcgcWesBench.sh(b.work, "sync");
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).directory(c[0].toFile()).redirectErrorStream(true)
                .redirectOutput(b.work.resolve("peer-" + passes + "-gitcli.log").toFile());
        long t0 = System.nanoTime();
        Process p = pb.start();
        int exit = p.waitFor();
        long ns = System.nanoTime() - t0;
        String head = IcgcWesBench.sh(c[0], "/usr/bin/git rev-parse HEAD").strip();
        String pushed = IcgcWesBench.sh(b.work, "/usr/bin/git --git-dir='" + c[1] + "' rev-parse scheduler").strip();
        b.checkTree("git CLI peer-" + passes, c[0]);
        b.check("4e git CLI pass " + passes + ": committed and pushed", exit == 0 && head.equals(pushed),
                "exit " + exit + ", remote scheduler " + (head.equals(pushed) ? "= HEAD" : "≠ HEAD"), "exit 0, HEAD pushed",
                "script " + script);
        IcgcWesBench.sh(b.work, "rm -rf '" + c[0] + "' '" + c[1] + "'");
        return ns;
    }

    private Pass caravanPass(String interval) throws Exception {
        String name = "peer-" + (++passes) + "-caravan-" + (interval == null ? "paced" : "nopause");
        return onScenario(name, (c, prod, qa, slack) -> {
            Path log = b.work.resolve(name + ".log");
            Path gitLog = b.work.resolve(name + ".log.git-calls");
            IcgcWesBench.Once once = b.caravanOnce(jar, convertedFile, c[0], c[1], interval, prod, qa, slack, log,
                    Optional.of(new Path[] {shimDir, gitLog}));
            String label = "Caravan " + name;
            b.check("4 " + label + ": exit status", once.exit() == 0, "exit " + once.exit(), "exit 0", "log: " + log);
            if (once.exit() == 0) {
                gitCliScript = gitCliScript(c[0]);
            }
            caravanParts.add(once.parts());
            return finish(label, c, prod, qa, once.ns(), IcgcPeer.lines(gitLog));
        });
    }

    /** The checks every pass gets (tree moved as expected, the pass's commit on the remote), then its figures. */
    private Pass finish(String label, Path[] c, IcgcWesBench.Rdpc prod, IcgcWesBench.Rdpc qa, long ns, int git)
            throws Exception {
        b.checkTree(label, c[0]);
        String head = IcgcWesBench.sh(c[0], "/usr/bin/git rev-parse HEAD").strip();
        String pushed = IcgcWesBench.sh(b.work, "/usr/bin/git --git-dir='" + c[1] + "' rev-parse scheduler").strip();
        String subject = IcgcWesBench.sh(c[0], "/usr/bin/git log -1 --format=%s").strip();
        b.check("4 " + label + ": committed and pushed", head.equals(pushed) && subject.startsWith("[scheduler]"),
                "remote scheduler " + (head.equals(pushed) ? "= HEAD" : "≠ HEAD") + ", \"" + subject + "\"",
                "HEAD on the remote's scheduler", "");
        int states = 0;
        int graphql = 0;
        for (WesEmulator.Request r : prod.emu.requests(Kind.GRAPHQL)) {
            graphql++;
            states += JSON.readTree(r.body()).path("variables").size();
        }
        Pass p = new Pass(ns, git, prod.emu.count(Kind.TOKEN) + qa.emu.count(Kind.TOKEN), graphql + qa.emu.count(Kind.GRAPHQL),
                states, prod.emu.count(Kind.SUBMIT) + qa.emu.count(Kind.SUBMIT));
        IcgcWesBench.sh(b.work, "rm -rf '" + c[0] + "' '" + c[1] + "' '" + c[0] + "-work'");
        return p;
    }

    // --- formatting ----------------------------------------------------------------------------------

    private static String commitOf(Path schedulerPy) {
        try {
            return " @ " + IcgcWesBench.sh(schedulerPy.getParent(), "/usr/bin/git rev-parse --short=10 HEAD").strip();
        } catch (Exception e) {
            return "";
        }
    }

    static String secs(long ns) {
        return String.format(Locale.ROOT, "%.2f s", ns / 1e9);
    }

    static String ratio(double r) {
        return String.format(Locale.ROOT, "%.2f×", r);
    }

    static String all(List<Long> xs) {
        return String.join(", ", xs.stream().map(IcgcPeerFigures::secs).toList());
    }
}
