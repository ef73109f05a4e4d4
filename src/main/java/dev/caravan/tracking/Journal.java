package dev.caravan.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.model.JobRef;
import dev.caravan.model.State;
import dev.caravan.model.Transition;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The scheduler's own bookkeeping beside the tree, in {@code .git/caravan/} so it is never committed:
 * submit intents (crash safety), the transitions since the last push (Slack summary, failure
 * threshold), the time of the last push, and the dirty marker.
 */
public final class Journal {

    /** The journal's folder inside {@code .git/}. */
    public static final String DIR = "caravan";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

    private final Path dir;
    /** Groups of intents not yet settled in this process, with the jobs left in each, and each such job's group. */
    private final Map<Path, Set<JobRef>> open = new HashMap<>();
    private final Map<JobRef, Path> groupOf = new HashMap<>();
    private final java.util.Random random = new java.security.SecureRandom();
    private static final String GROUP_SUFFIX = ".group";
    /** The last line of a whole group file, with the number of intents before it. */
    private static final String GROUP_END = "end ";

    public Journal(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir.resolve("intents"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    public Path dir() {
        return dir;
    }

    public Path dirtyMarker() {
        return dir.resolve("dirty");
    }

    // --- intents -------------------------------------------------------------------------------

    public void recordIntent(Intent intent) {
        // Written in place and forced: one open, write, fsync, close, where a temporary file and a rename cost three
        // more calls and a second journalled metadata change per submission. A crash before the force returns can
        // leave the file torn, but then the backend was never called (it is called after this returns), so
        // intents() drops a torn one.
        write(intentFile(intent.job()), json(intent));
    }

    private static String json(Intent intent) {
        ObjectNode n = JSON.createObjectNode();
        n.put("job", intent.job().path());
        n.put("env", intent.env());
        n.put("token", intent.token());
        n.put("attempt", intent.attempt());
        n.put("epoch", intent.epoch());
        return n.toString();
    }

    private static void write(Path f, String text) {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the submit intent " + f, e);
        }
    }

    private byte[] nonce() {
        byte[] b = new byte[8];
        random.nextBytes(b);
        return b;
    }

    /**
     * The intents of several submissions about to be made, in one file forced once: one fsync for a group of a
     * release's submissions instead of one each (an fsync costs the process about half a millisecond of CPU). Each
     * intent is durable before its backend call, as with {@link #recordIntent}, since the caller submits none of them
     * before this returns. A job's intent is settled with {@link #clearIntent} like a single one; the file goes when
     * every intent in it is settled. A crash leaves the file, and the next start settles each intent in it (asking the
     * backend), the ones whose submission was never sent included. A file torn by a crash while it was written is
     * dropped whole: none of its submissions was sent.
     */
    public synchronized void recordIntents(List<Intent> intents) {
        if (intents.isEmpty()) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        for (Intent i : intents) {
            sb.append(json(i)).append('\n');
        }
        sb.append(GROUP_END).append(intents.size()).append('\n');
        Path f = dir.resolve("intents").resolve("group-" + HexFormat.of().formatHex(nonce()) + GROUP_SUFFIX);
        write(f, sb.toString());
        Set<JobRef> jobs = new HashSet<>();
        for (Intent i : intents) {
            jobs.add(i.job());
            groupOf.put(i.job(), f);
        }
        open.put(f, jobs);
    }

    public synchronized void clearIntent(JobRef job) {
        Path group = groupOf.remove(job);
        if (group != null) {
            Set<JobRef> left = open.get(group);
            left.remove(job);
            if (left.isEmpty()) {
                open.remove(group);
                delete(group, job);
            }
            return;
        }
        delete(intentFile(job), job);
    }

    /** The intents not yet settled: every single one on disk, and those of groups not settled in this process. */
    public synchronized List<Intent> intents() {
        List<Intent> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir.resolve("intents"))) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (name.endsWith(GROUP_SUFFIX)) {
                    out.addAll(group(p));
                    continue;
                }
                if (!name.endsWith(".json")) {
                    continue;
                }
                Optional<Intent> i = parseIntent(Files.readAllBytes(p));
                if (i.isPresent()) {
                    out.add(i.get());
                } else {
                    // torn by a crash while it was written, so before its submission: nothing was sent
                    LOG.warn("Dropped the submit intent {}, torn by a crash before its submission was sent", p);
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read submit intents in " + dir, e);
        }
        return out;
    }

    /** A group's intents still open; a group read for the first time (after a restart) is opened whole. */
    private List<Intent> group(Path p) throws IOException {
        Set<JobRef> left = open.get(p);
        if (left != null && left.isEmpty()) {
            return List.of();
        }
        List<String> lines = List.of(Files.readString(p, StandardCharsets.UTF_8).split("\n"));
        List<Intent> all = new ArrayList<>();
        boolean whole = !lines.isEmpty() && lines.get(lines.size() - 1).equals(GROUP_END + (lines.size() - 1));
        for (int k = 0; whole && k < lines.size() - 1; k++) {
            Optional<Intent> i = parseIntent(lines.get(k).getBytes(StandardCharsets.UTF_8));
            whole = i.isPresent();
            i.ifPresent(all::add);
        }
        if (!whole) {
            // torn by a crash while it was written, so before any of its submissions: nothing was sent
            LOG.warn("Dropped the submit intents {}, torn by a crash before their submissions were sent", p);
            Files.deleteIfExists(p);
            return List.of();
        }
        if (left == null) {
            left = new HashSet<>();
            for (Intent i : all) {
                left.add(i.job());
                groupOf.put(i.job(), p);
            }
            open.put(p, left);
        }
        Set<JobRef> still = left;
        return all.stream().filter(i -> still.contains(i.job())).toList();
    }

    private static void delete(Path f, JobRef job) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the submit intent of " + job, e);
        }
    }

    static Optional<Intent> parseIntent(byte[] content) {
        try {
            JsonNode n = JSON.readTree(content);
            String[] parts = n == null ? new String[0] : n.path("job").asText().split("/");
            if (parts.length != 3 || !n.path("env").isTextual() || !n.path("token").isTextual()
                    || !n.path("attempt").isInt() || !n.path("epoch").canConvertToLong()) {
                return Optional.empty();
            }
            return Optional.of(new Intent(new JobRef(parts[0], parts[1], parts[2]), n.get("env").asText(),
                    n.get("token").asText(), n.get("attempt").asInt(), n.get("epoch").asLong()));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private Path intentFile(JobRef job) {
        return dir.resolve("intents").resolve(sha1(job.path()) + ".json");
    }

    // --- runs followed after an operator moved their job out of queued ---------------------------

    /** A run still going on a backend whose job an operator moved out of {@code queued}. */
    public record Watch(JobRef job, String env, String runId) {
    }

    public List<Watch> watches() {
        Path p = dir.resolve("watch.tsv");
        if (!Files.exists(p)) {
            return List.of();
        }
        List<Watch> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(p)) {
                String[] f = line.split("\t");
                if (f.length == 5) {
                    out.add(new Watch(new JobRef(f[0], f[1], f[2]), f[3], f[4]));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p, e);
        }
        return out;
    }

    public void saveWatches(List<Watch> watches) {
        StringBuilder sb = new StringBuilder();
        for (Watch w : watches) {
            sb.append(w.job().group()).append('\t').append(w.job().batch()).append('\t').append(w.job().jobId())
                    .append('\t').append(w.env()).append('\t').append(w.runId()).append('\n');
        }
        TrackingTree.writeDurably(dir.resolve("watch.tsv"), sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    // --- transitions since the last push --------------------------------------------------------

    public void recordTransitions(List<Transition> transitions, long epoch) {
        if (transitions.isEmpty()) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        for (Transition t : transitions) {
            sb.append(epoch).append('\t').append(t.env().isEmpty() ? "-" : t.env()).append('\t')
                    .append(t.ref().group()).append('\t').append(t.ref().batch()).append('\t')
                    .append(t.ref().jobId()).append('\t').append(t.from()).append('\t').append(t.to()).append('\n');
        }
        try {
            // not forced to disk: it feeds the push summary and the failure count, the moves are in the tree
            Files.writeString(sincePush(), sb, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + sincePush(), e);
        }
    }

    public List<Transition> transitionsSincePush() {
        Path p = sincePush();
        if (!Files.exists(p)) {
            return List.of();
        }
        List<Transition> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(p)) {
                String[] f = line.split("\t");
                if (f.length != 7) {
                    continue; // a torn last line after a crash: the move itself is in the tree
                }
                out.add(new Transition(new JobRef(f[2], f[3], f[4]), State.of(f[5]), State.of(f[6]),
                        f[1].equals("-") ? "" : f[1], ""));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p, e);
        }
        return out;
    }

    public void pushed(long epochMillis) {
        TrackingTree.writeDurably(dir.resolve("last-push"), Long.toString(epochMillis).getBytes(StandardCharsets.UTF_8));
        try {
            Files.deleteIfExists(sincePush());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reset " + sincePush(), e);
        }
    }

    public Optional<Long> lastPush() {
        Path p = dir.resolve("last-push");
        try {
            return Files.exists(p) ? Optional.of(Long.parseLong(Files.readString(p).trim())) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private Path sincePush() {
        return dir.resolve("since-push.tsv");
    }

    static String sha1(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
