package dev.caravan.tracking;

import dev.caravan.model.RunMarker;
import dev.caravan.model.State;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.AndTreeFilter;
import org.eclipse.jgit.treewalk.filter.PathFilter;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * When runs ended, read from the tracking clone's history: the commits of its checked-out branch (the scheduler
 * branch in a daemon), newest first along first parents, each diffed against its first parent.
 * <p>
 * The rule: a run ends in the commit that moves its job's folder from {@code queued/} (in flight) to
 * {@code completed/} or {@code failed/}, or from {@code backlog/} with a run marker the backlog's folder did not have
 * (released and ended between two commits: commits are spaced, so one can take in both moves); its environment is
 * that of the job's newest run marker. Other moves into an
 * end state are not a run's end and are not counted: from the backlog by hand (no new marker), {@code failed/} to
 * {@code completed/} by an operator, jobs added straight into an end state (an old tree imported), a job without a
 * run. A job sent back to the backlog for a retry counts again only when a new run of it ends; and within one read a
 * run counts once, whatever moves it made (a revert and its revert).
 * <p>
 * Cheap on a big tree: only the subtrees a commit changed are read, and each commit's ends are kept by commit id, so
 * a request diffs only the commits made since the last one. A walk stops at the window's start or after
 * {@link #MAX_COMMITS} commits.
 */
public final class StateHistory {

    /** The most commits one read walks; a busier window is cut there and says so. */
    public static final int MAX_COMMITS = 20_000;
    private static final int CACHED = 50_000;
    private static final Set<String> ENDS = Set.of(State.COMPLETED.name(), State.FAILED.name());

    /** A run that ended in a commit: when, where, how ({@code completed} or {@code failed}), its job and marker. */
    public record Arrival(Instant at, String env, String state, String job, String run) {
    }

    /** What one read found: arrivals oldest first, the commits walked, whether the bound cut the walk. */
    public record Window(List<Arrival> arrivals, int commits, boolean truncated, Optional<String> head) {
    }

    private record Moves(long time, ObjectId parent, List<Arrival> arrivals) {
    }

    private final Path clone;
    private final Map<ObjectId, Moves> cache = Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ObjectId, Moves> eldest) {
            return size() > CACHED;
        }
    });
    private final AtomicInteger computed = new AtomicInteger();

    private final int maxCommits;

    public StateHistory(Path clone) {
        this(clone, MAX_COMMITS);
    }

    /** @param maxCommits the most commits one read walks */
    public StateHistory(Path clone, int maxCommits) {
        this.clone = clone;
        this.maxCommits = maxCommits;
    }

    /** The ends committed in {@code [from, to]}, oldest first, by the rule above. */
    public Window read(Instant from, Instant to) {
        if (!clone.resolve(".git").toFile().exists()) {
            return new Window(List.of(), 0, false, Optional.empty());
        }
        try (Repository repo = new FileRepositoryBuilder().setGitDir(clone.resolve(".git").toFile()).setMustExist(true).build();
             ObjectReader reader = repo.newObjectReader();
             RevWalk walk = new RevWalk(reader)) {
            ObjectId head = repo.resolve(Constants.HEAD);
            List<Arrival> newestFirst = new ArrayList<>();
            int commits = 0;
            ObjectId id = head;
            while (id != null && commits < maxCommits) {
                Moves m = cache.get(id);
                if (m == null) {
                    m = moves(walk, reader, id);
                    cache.put(id.copy(), m);
                }
                if (m.time() < from.getEpochSecond()) {
                    break;
                }
                commits++;
                for (int i = m.arrivals().size() - 1; i >= 0; i--) {
                    Arrival a = m.arrivals().get(i);
                    if (!a.at().isAfter(to)) {
                        newestFirst.add(a);
                    }
                }
                id = m.parent();
            }
            Collections.reverse(newestFirst);
            Set<String> counted = new HashSet<>();
            List<Arrival> out = new ArrayList<>();
            for (Arrival a : newestFirst) {
                if (counted.add(a.job() + "\n" + a.run())) {
                    out.add(a);
                }
            }
            return new Window(out, commits, id != null && commits >= maxCommits,
                    Optional.ofNullable(head).map(h -> h.abbreviate(8).name()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the history of " + clone + ": " + e.getMessage(), e);
        }
    }

    /** How many commits were diffed so far (each once): what the cache saves shows here. */
    public int commitsDiffed() {
        return computed.get();
    }

    private Moves moves(RevWalk walk, ObjectReader reader, ObjectId id) throws IOException {
        RevCommit c = walk.parseCommit(id);
        computed.incrementAndGet();
        if (c.getParentCount() == 0) {
            return new Moves(c.getCommitTime(), null, List.of()); // the first commit adds, it moves nothing
        }
        RevCommit parent = walk.parseCommit(c.getParent(0));
        Map<String, Set<String>> left = new HashMap<>();
        Map<String, Set<String>> leftFiles = new HashMap<>();
        Map<String, String> arrived = new LinkedHashMap<>();
        Map<String, RunMarker> newest = new HashMap<>();
        try (TreeWalk tw = new TreeWalk(reader)) {
            tw.addTree(parent.getTree());
            tw.addTree(c.getTree());
            tw.setRecursive(true);
            tw.setFilter(AndTreeFilter.create(PathFilter.create("jobs"), TreeFilter.ANY_DIFF));
            while (tw.next()) {
                // jobs/<group>/<batch>/<state>/<job>/<file>
                String[] p = tw.getPathString().split("/");
                if (p.length != 6) {
                    continue;
                }
                String job = p[1] + "/" + p[2] + "/" + p[4];
                boolean before = tw.getFileMode(0) != FileMode.MISSING;
                boolean after = tw.getFileMode(1) != FileMode.MISSING;
                if (before && !after) {
                    left.computeIfAbsent(job, k -> new HashSet<>()).add(p[3]);
                    leftFiles.computeIfAbsent(job, k -> new HashSet<>()).add(p[5]);
                } else if (after && !before && ENDS.contains(p[3])) {
                    arrived.put(job, p[3]);
                    Optional<RunMarker> m = RunMarker.parse(p[5]);
                    if (m.isPresent() && (newest.get(job) == null || m.get().compareTo(newest.get(job)) > 0)) {
                        newest.put(job, m.get());
                    }
                }
            }
        }
        Instant at = Instant.ofEpochSecond(c.getCommitTime());
        List<Arrival> out = new ArrayList<>();
        for (Map.Entry<String, String> e : arrived.entrySet()) {
            Set<String> from = left.get(e.getKey());
            RunMarker run = newest.get(e.getKey());
            if (from != null && run != null && (from.contains(State.QUEUED.name())
                    || from.contains(State.BACKLOG.name()) && !leftFiles.get(e.getKey()).contains(run.fileName()))) {
                out.add(new Arrival(at, run.env(), e.getValue(), e.getKey(), run.fileName()));
            }
        }
        return new Moves(c.getCommitTime(), c.getParent(0).copy(), List.copyOf(out));
    }
}
