package dev.caravan.bench.icgc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ICGC's own {@code scripts/scheduler.py} as a peer: run unchanged by Debian's {@code /usr/bin/python3} through
 * {@code bench/peers/icgc_scheduler.py} on a copy of the tree, with the real {@code job-scheduler.conf} pointed at the
 * emulated RDPCs, and every {@code git} it starts counted by a logging shim first on its PATH (the same shim counts
 * Caravan's, which should start none).
 */
final class IcgcPeer {

    static final String PYTHON = Optional.ofNullable(System.getenv("PEER_PYTHON")).orElse("/usr/bin/python3");

    /** One run of a program on the scenario: wall time (process start to exit), exit status, git calls, its log. */
    record Pass(long wallNs, double innerSeconds, int exit, int gitCalls, Path log) {
    }

    private final Path schedulerPy;
    private final Path wrapper;
    private final Path shimDir;

    private IcgcPeer(Path schedulerPy, Path wrapper, Path shimDir) {
        this.schedulerPy = schedulerPy;
        this.wrapper = wrapper;
        this.shimDir = shimDir;
    }

    /**
     * The peer, or why there is none: {@code --peer DIR}, else {@code ICGC_TRACKING_DIR}, else
     * {@code bench/out/peers/icgc-25k-azure-transfer-job-tracking} (made by {@code bench/peers/setup}); DIR holds
     * {@code scripts/scheduler.py}.
     */
    static Object locate(Path root, Optional<String> peerArg, Path shimDir) throws Exception {
        String dir = peerArg.or(() -> Optional.ofNullable(System.getenv("ICGC_TRACKING_DIR")))
                .orElse(root.resolve("bench/out/peers/icgc-25k-azure-transfer-job-tracking").toString());
        Path py = Path.of(dir).toAbsolutePath().resolve("scripts/scheduler.py");
        if (!Files.isRegularFile(py)) {
            return "skipped: no copy of ICGC's scheduler.py at " + py + " (run bench/peers/setup, or give --peer DIR"
                    + " or ICGC_TRACKING_DIR)";
        }
        Process p = new ProcessBuilder(PYTHON, "-c", "import yaml, requests, tenacity, requests_oauthlib")
                .redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            return "skipped: " + PYTHON + " cannot import yaml, requests, tenacity, requests_oauthlib (run bench/peers/setup)";
        }
        return new IcgcPeer(py, root.resolve("bench/peers/icgc_scheduler.py"), gitShim(shimDir));
    }

    Path schedulerPy() {
        return schedulerPy;
    }

    /** A {@code git} that logs each call to {@code $GIT_SHIM_LOG} and runs the real one. */
    static Path gitShim(Path dir) throws IOException {
        String real = realGit();
        Files.createDirectories(dir);
        Path git = dir.resolve("git");
        Files.writeString(git, "#!/bin/sh\nprintf '%s\\n' \"$*\" >> \"$GIT_SHIM_LOG\"\nexec " + real + " \"$@\"\n");
        Files.setPosixFilePermissions(git, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    static String realGit() {
        for (String d : System.getenv("PATH").split(":")) {
            Path g = Path.of(d, "git");
            if (Files.isExecutable(g) && !g.toString().contains("gitshim")) {
                return g.toString();
            }
        }
        return "/usr/bin/git";
    }

    /** Environment for a program on the scenario: PATH with the shim first, the shim's log. */
    static void shimEnv(Map<String, String> env, Path shimDir, Path gitLog) {
        env.put("PATH", shimDir + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("GIT_SHIM_LOG", gitLog.toString());
    }

    static int lines(Path f) throws IOException {
        return Files.exists(f) ? (int) Files.readAllLines(f).stream().filter(l -> !l.isBlank()).count() : 0;
    }

    /**
     * The real {@code job-scheduler.conf} with each environment's {@code token_url}, {@code wes_url} and
     * {@code graphql_url} pointed at its emulator; everything else as it is.
     */
    static String config(Path realConf, Map<String, IcgcWesBench.Rdpc> rdpcs) throws IOException {
        Pattern env = Pattern.compile("^    ([A-Za-z0-9_]+):\\s*$");
        Pattern url = Pattern.compile("^(\\s+)(token_url|wes_url|graphql_url):.*$");
        StringBuilder out = new StringBuilder();
        String current = null;
        for (String line : Files.readAllLines(realConf)) {
            Matcher e = env.matcher(line);
            if (e.matches()) {
                current = e.group(1);
            }
            Matcher u = url.matcher(line);
            if (u.matches() && current != null && rdpcs.containsKey(current)) {
                IcgcWesBench.Rdpc r = rdpcs.get(current);
                String v = switch (u.group(2)) {
                    case "token_url" -> r.emu.tokenUrl();
                    case "wes_url" -> r.emu.url() + "/runs";
                    default -> r.emu.graphqlUrl();
                };
                line = u.group(1) + u.group(2) + ": " + v;
            }
            out.append(line).append('\n');
        }
        return out.toString();
    }

    /** scheduler.py on {@code tracking} with {@code conf}; {@code env} holds the credentials its config names. */
    Pass run(Path tracking, Path conf, boolean skipPauses, Map<String, String> env, Path log) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(PYTHON, wrapper.toString(), schedulerPy.toString(), tracking.toString(),
                conf.toString()));
        if (skipPauses) {
            cmd.add("--skip-pauses");
        }
        Path gitLog = log.resolveSibling(log.getFileName() + ".git-calls");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(tracking.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        pb.environment().put("OAUTHLIB_INSECURE_TRANSPORT", "1"); // oauthlib refuses an http:// token URL otherwise
        shimEnv(pb.environment(), shimDir, gitLog);
        long t0 = System.nanoTime();
        Process p = pb.start();
        p.getOutputStream().close();
        boolean ended = p.waitFor(10, TimeUnit.MINUTES);
        long t1 = System.nanoTime();
        if (!ended) {
            p.destroyForcibly();
        }
        String text = Files.readString(log, StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("peer-seconds=([0-9.]+)").matcher(text);
        double inner = m.find() ? Double.parseDouble(m.group(1)) : -1;
        return new Pass(t1 - t0, inner, ended ? p.exitValue() : -1, lines(gitLog), log);
    }
}
