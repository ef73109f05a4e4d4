package dev.caravan.bench;

import dev.caravan.engine.Engine;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Repository;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.caravan.bench.Bench.*;

/**
 * Where a cycle's time goes: after the measured cycle, the clone is reset to the starting commit with the git
 * CLI and the same cycle is run again step by step (the engine re-reads the tree first, untimed), each step
 * timed; then the two parts of a JGit commit that grow with the size of the tree are timed on their own.
 * Informational only.
 */
final class Breakdown {

    private Breakdown() {
    }

    static void run(String bench, Daemon1 d, Path tracking, String base, String env) throws Exception {
        Engine e = d.engine();
        git(tracking, "reset", "-q", "--hard", base);
        e.beginCycle(); // sees the new HEAD: re-reads the whole tree (not timed)
        StringBuilder sb = new StringBuilder();
        sync();
        long begin = time(e::beginCycle);
        long reconcile = time(() -> e.reconcile(env));
        long poll = time(() -> e.poll(env));
        long gates = time(() -> e.gates(env));
        long release = time(() -> e.release(env));
        long stage = time(e::stageForCommit);
        long commit = time(d::commit); // nothing left to stage: camel-git commit + committed()
        sb.append("beginCycle (fetch, merge check) ").append(ms(begin))
                .append(", reconcile ").append(ms(reconcile))
                .append(", poll+moves ").append(ms(poll))
                .append(", gates ").append(ms(gates))
                .append(", release ").append(ms(release))
                .append(", stage ").append(ms(stage))
                .append(", camel-git commit ").append(ms(commit));
        info(bench, "profile: the same cycle again, step by step", ms(begin + reconcile + poll + gates + release + stage
                + commit), sb.toString());

        try (Git g = Git.open(tracking.toFile())) {
            profileCommitParts(bench, g.getRepository());
        }
    }

    private static void profileCommitParts(String bench, Repository r) throws Exception {
        boolean cacheTree = r.readDirCache().getCacheTree(false) != null;
        List<Long> reads = new ArrayList<>();
        List<Long> hashes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            DirCache dc = r.readDirCache();
            long t1 = System.nanoTime();
            try (ObjectInserter ins = new Hashing()) {
                dc.writeTree(ins);
            }
            reads.add(t1 - t0);
            hashes.add(System.nanoTime() - t1);
        }
        long read = median(reads);
        long hash = median(hashes);
        int entries = r.readDirCache().getEntryCount();
        info(bench, "profile: JGit commit parts that scale with the tree", ms(read + hash),
                "read .git/index (" + String.format("%,d", entries) + " entries) " + ms(read)
                        + ", then build and hash every tree of it (nothing written) " + ms(hash)
                        + " (medians of 3); after Caravan's staging the index has "
                        + (cacheTree ? "a" : "no") + " cache-tree extension, so each commit rebuilds every tree");
    }

    /** Computes object ids only, like a commit's tree building minus the writes. */
    private static final class Hashing extends ObjectInserter.Formatter {
        @Override
        public ObjectId insert(int type, long length, InputStream in) throws java.io.IOException {
            return idFor(type, length, in);
        }

        @Override
        public ObjectId insert(int type, byte[] data, int off, int len) {
            return idFor(type, data, off, len);
        }
    }
}
