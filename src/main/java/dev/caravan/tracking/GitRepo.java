package dev.caravan.tracking;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.MergeCommand;
import org.eclipse.jgit.api.MergeResult;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.api.Status;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.InvalidRemoteException;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheEditor;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.ConfigConstants;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.merge.MergeStrategy;
import org.eclipse.jgit.merge.ResolveMerger;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.URIish;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The tracking clone, through JGit, for what camel-git does not do: cloning onto the scheduler branch,
 * staging exactly the paths a cycle touched (straight into the index, no working-tree scan), the
 * conditional merge of the admin branch with an in-memory conflict check first, and reading push results.
 * Commits and pushes themselves go through camel-git in the routes.
 */
public final class GitRepo implements AutoCloseable {

    public static final String REMOTE = "origin";
    static final String AUTHOR_NAME = "Caravan scheduler";
    static final String AUTHOR_EMAIL = "caravan@localhost";

    static {
        SystemGitConfig.install();
    }

    private final Git git;
    private final String branch;
    private final String adminBranch;
    private final boolean hasRemote;

    private GitRepo(Git git, String branch, String adminBranch, boolean hasRemote) {
        this.git = git;
        this.branch = branch;
        this.adminBranch = adminBranch;
        this.hasRemote = hasRemote;
    }

    /**
     * Opens the clone at {@code dir}, cloning {@code remote} first when it is not there; an existing
     * clone is used as it is, only switched to the scheduler branch. Without a remote, a plain local
     * repository is made.
     */
    public static GitRepo open(Path dir, String remote, String branch, String adminBranch) {
        try {
            Git git;
            boolean hasRemote = remote != null && !remote.isBlank();
            if (Files.isDirectory(dir.resolve(".git"))) {
                git = Git.open(dir.toFile());
                hasRemote = git.getRepository().getConfig().getString("remote", REMOTE, "url") != null;
            } else if (hasRemote) {
                // JGit resolves a relative local path against nothing useful: make it absolute.
                String uri = DemoSeeder.isLocalPath(remote) ? Path.of(remote).toAbsolutePath().toString() : remote;
                git = Git.cloneRepository().setURI(uri).setDirectory(dir.toFile()).setNoCheckout(true)
                        .setCloneAllBranches(true).call();
            } else {
                Files.createDirectories(dir);
                git = Git.init().setDirectory(dir.toFile()).setInitialBranch(branch).call();
            }
            GitRepo repo = new GitRepo(git, branch, adminBranch, hasRemote);
            repo.configure();
            repo.ensureBranch();
            return repo;
        } catch (GitAPIException | IOException e) {
            throw new IllegalStateException("cannot open the tracking repo " + dir + " (remote "
                    + redact(remote) + "): " + e.getMessage(), e);
        }
    }

    /** An existing clone, on whatever branch it is: for one-shot commands working in an operator's clone. */
    public static GitRepo openAsIs(Path dir) {
        try {
            Git git = Git.open(dir.toFile());
            boolean remote = git.getRepository().getConfig().getString("remote", REMOTE, "url") != null;
            return new GitRepo(git, git.getRepository().getBranch(), "", remote);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the Git repo " + dir + ": " + e.getMessage(), e);
        }
    }

    /** A commit outside the routes (import); the routes commit through camel-git. */
    public void commit(String message) {
        try {
            git.commit().setMessage(message).setSign(false).setAuthor(AUTHOR_NAME, AUTHOR_EMAIL)
                    .setCommitter(AUTHOR_NAME, AUTHOR_EMAIL).call();
        } catch (GitAPIException e) {
            throw new IllegalStateException("cannot commit in " + workTree() + ": " + e.getMessage(), e);
        }
    }

    private void configure() throws IOException {
        StoredConfig c = git.getRepository().getConfig();
        c.setString("user", null, "name", AUTHOR_NAME);
        c.setString("user", null, "email", AUTHOR_EMAIL);
        c.setBoolean(ConfigConstants.CONFIG_COMMIT_SECTION, null, ConfigConstants.CONFIG_KEY_GPGSIGN, false);
        if (hasRemote) {
            c.setString("remote", REMOTE, "push", "refs/heads/" + branch + ":refs/heads/" + branch);
            c.setString("branch", branch, "remote", REMOTE);
            c.setString("branch", branch, "merge", "refs/heads/" + branch);
        }
        c.save();
    }

    private void ensureBranch() throws GitAPIException, IOException {
        Repository r = git.getRepository();
        if (branch.equals(r.getBranch()) && r.resolve(Constants.HEAD) != null) {
            return;
        }
        if (r.findRef("refs/heads/" + branch) != null) {
            git.checkout().setName(branch).call();
            return;
        }
        if (!hasRemote) {
            return; // fresh local repo: the branch is born with its first commit
        }
        String start = r.findRef("refs/remotes/" + REMOTE + "/" + branch) != null
                ? REMOTE + "/" + branch : REMOTE + "/" + adminBranch;
        if (r.findRef("refs/remotes/" + start) == null) {
            throw new IllegalStateException("the remote has neither branch '" + branch + "' nor the admin branch '"
                    + adminBranch + "'");
        }
        git.checkout().setCreateBranch(true).setName(branch).setStartPoint(start).call();
    }

    public Repository repository() {
        return git.getRepository();
    }

    public Path workTree() {
        return git.getRepository().getWorkTree().toPath();
    }

    /** The {@code .git} folder. */
    public Path gitDir() {
        return git.getRepository().getDirectory().toPath();
    }

    /**
     * The scheduler branch's ref lock inside the remote, when the remote is a repository on this machine's disks: a
     * push to it writes the ref in this process (JGit's local transport), so a SIGKILL mid-push leaves that lock in
     * the remote. Only the scheduler pushes its branch, so with the cycle lock held an old one is stale. Empty for a
     * remote over the network, whose server cleans up after a client that went away.
     */
    public Optional<Path> localRemoteBranchLock() {
        String url = git.getRepository().getConfig().getString("remote", REMOTE, "url");
        Path dir;
        if (url == null || url.isBlank()) {
            return Optional.empty();
        } else if (url.startsWith("file:")) {
            try {
                dir = Path.of(java.net.URI.create(url));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        } else if (DemoSeeder.isLocalPath(url)) {
            dir = Path.of(url);
        } else {
            return Optional.empty();
        }
        Path gitDir = Files.isDirectory(dir.resolve(".git")) ? dir.resolve(".git") : dir;
        return Optional.of(gitDir.resolve("refs/heads/" + branch + ".lock"));
    }

    public Path caravanDir() {
        return git.getRepository().getDirectory().toPath().resolve(Journal.DIR);
    }

    public boolean hasRemote() {
        return hasRemote;
    }

    public String branch() {
        return branch;
    }

    // --- staging -------------------------------------------------------------------------------

    /**
     * The index, locked. An intake stages under the engine's lock while the commit route may be committing outside
     * it (an API call during a cycle's commit): that commit holds the index lock for milliseconds, so wait for it.
     */
    private static DirCache lockIndex(Repository r) throws IOException {
        for (int tries = 0; ; tries++) {
            try {
                return r.lockDirCache();
            } catch (org.eclipse.jgit.errors.LockFailedException e) {
                awaitIndex(tries, e);
            }
        }
    }

    /** How long a writer of the index waits for an index.lock held by someone else, and how often it looks again. */
    private static final java.time.Duration INDEX_LOCK_WAIT = java.time.Duration.ofSeconds(60);
    private static final long INDEX_LOCK_POLL_MS = 10;

    /**
     * The one wait for an index someone else holds a moment (another process's {@code git status} refreshes it under
     * {@code index.lock}; JGit fails rather than wait): staging and the commit route's commit. When {@code e} says the
     * index is locked and the {@code tries} already made have not waited about a minute, this waits 10 ms and returns so
     * the caller tries again; otherwise (another failure, a lock that stays, an interrupt) it throws {@code e}.
     */
    public static <E extends Exception> void awaitIndex(int tries, E e) throws E {
        if (!isIndexLocked(e) || (long) tries * INDEX_LOCK_POLL_MS >= INDEX_LOCK_WAIT.toMillis()) {
            throw e;
        }
        try {
            Thread.sleep(INDEX_LOCK_POLL_MS);
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
            throw e;
        }
    }

    /**
     * Writers of the index in this process: an intake stages under the engine's lock while the commit route commits
     * outside it, and JGit's commit does not wait for an index.lock another thread holds, it fails. The commit route
     * takes this lock around its commit ({@link #holdIndexForCommit}), staging takes it too.
     */
    private final java.util.concurrent.locks.ReentrantLock indexWriters = new java.util.concurrent.locks.ReentrantLock();

    /** Keeps this process's staging out of the index until {@link #releaseIndexAfterCommit}, on the same thread. */
    public void holdIndexForCommit() {
        indexWriters.lock();
    }

    public void releaseIndexAfterCommit() {
        if (indexWriters.isHeldByCurrentThread()) {
            indexWriters.unlock();
        }
    }

    /** From this many paths on, a stage writes one pack instead of a loose object file per blob and tree. */
    static final int PACK_FROM = 64;

    /**
     * Puts exactly these paths (files or whole folders, present or gone) into the index. A large stage (an intake of
     * thousands of jobs) goes into one pack with the index's trees, so the commit that follows finds every tree
     * written and writes none: a loose object per params.json and per job folder's tree cost thousands of file
     * creations and renames, minutes for 10,000 items on a busy disk. A small one (a cycle's moves) writes loose
     * objects. Either way the index leaves with its trees: those of the folders touched are hashed here, the others'
     * are kept from the index file ({@link CacheTrees}), so the commit hashes none.
     */
    public void stage(Collection<String> paths) {
        if (paths.isEmpty()) {
            return;
        }
        Repository r = git.getRepository();
        Path top = workTree();
        boolean large = paths.size() >= PACK_FROM;
        indexWriters.lock();
        try (ObjectInserter ins = large ? packInserter(r) : r.newObjectInserter()) {
            DirCache dc = lockIndex(r);
            try {
                org.eclipse.jgit.dircache.DirCacheTree trees = dc.getCacheTree(false); // as the index file had them
                DirCacheEditor ed = dc.editor();
                List<String> edited = new ArrayList<>(); // the index paths as the edits name them
                for (String p : new TreeSet<>(paths)) {
                    Path f = top.resolve(p);
                    // never through a link: a link is staged as the link it is, as git would
                    if (Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)) {
                        try (Stream<Path> s = Files.walk(f)) {
                            for (Path x : (Iterable<Path>) s.filter(x -> !Files.isDirectory(x, LinkOption.NOFOLLOW_LINKS))::iterator) {
                                ed.add(edit(top, x, ins));
                                edited.add(indexPath(top, x));
                            }
                        }
                    } else if (Files.exists(f, LinkOption.NOFOLLOW_LINKS)) {
                        ed.add(edit(top, f, ins));
                        edited.add(indexPath(top, f));
                    } else {
                        ed.add(new DirCacheEditor.DeletePath(p));
                        ed.add(new DirCacheEditor.DeleteTree(p));
                        edited.add(p);
                    }
                }
                ed.finish();
                // the folders not touched keep their trees (JGit's edit dropped them all): only the touched ones are
                // hashed, here, and the commit finds every tree in the index. An index without trees (after a merge)
                // gets them all once, here, and keeps them from then on.
                CacheTrees.keep(dc, trees, edited);
                writeTrees(dc, ins);
                ins.flush();
                dc.write();
                if (!dc.commit()) {
                    throw new IOException("cannot write the index of " + top);
                }
            } finally {
                dc.unlock();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage changes in " + top, e);
        } finally {
            indexWriters.unlock();
        }
    }

    private static ObjectInserter packInserter(Repository r) {
        if (r.getObjectDatabase() instanceof org.eclipse.jgit.internal.storage.file.ObjectDirectory od) {
            return od.newPackInserter();
        }
        return r.newObjectInserter();
    }

    /**
     * The index's trees, kept in it (the commit reads them from the index's tree cache); an index with unmerged
     * paths has none, and the commit says so.
     */
    private static void writeTrees(DirCache dc, ObjectInserter ins) throws IOException {
        try {
            dc.writeTree(ins);
        } catch (org.eclipse.jgit.errors.UnmergedPathException e) {
            // the commit refuses it with its own message
        }
    }

    private static DirCacheEditor.PathEdit edit(Path top, Path file, ObjectInserter ins) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        boolean link = a.isSymbolicLink();
        byte[] content = link ? Files.readSymbolicLink(file).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)
                : Files.readAllBytes(file);
        ObjectId id = ins.insert(Constants.OBJ_BLOB, content);
        String rel = indexPath(top, file);
        return new DirCacheEditor.PathEdit(rel) {
            @Override
            public void apply(DirCacheEntry ent) {
                ent.setObjectId(id);
                ent.setFileMode(link ? FileMode.SYMLINK : FileMode.REGULAR_FILE);
                ent.setLength(content.length);
                ent.setLastModified(a.lastModifiedTime().toInstant());
            }
        };
    }

    /** A file's path in the index: relative to the work tree, '/'-separated. */
    private static String indexPath(Path top, Path file) {
        return top.relativize(file).toString().replace('\\', '/');
    }

    /** After a crash between a move and its staging: find what changed under these folders and stage it. */
    public Set<String> stageUncommitted(String folder) {
        try {
            Status st = git.status().addPath(folder).call();
            Set<String> changed = new TreeSet<>();
            changed.addAll(st.getUntracked());
            changed.addAll(st.getMissing());
            changed.addAll(st.getModified());
            stage(changed);
            return changed;
        } catch (GitAPIException e) {
            throw new IllegalStateException("cannot read the status of " + workTree() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether the index differs from HEAD: something staged waits for a commit. Hashes the index's
     * trees without writing them, so it costs no working-tree scan.
     */
    public boolean indexDiffersFromHead() {
        Repository r = git.getRepository();
        try (RevWalk w = new RevWalk(r); ObjectInserter f = new HashingInserter()) {
            DirCache dc = r.readDirCache();
            ObjectId head = r.resolve(Constants.HEAD);
            if (head == null) {
                return dc.getEntryCount() > 0;
            }
            return !w.parseCommit(head).getTree().getId().equals(dc.writeTree(f));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot compare the index of " + workTree() + " with HEAD", e);
        }
    }

    /** Computes object ids without storing anything: enough to compare the index with HEAD. */
    private static final class HashingInserter extends ObjectInserter.Formatter {
        @Override
        public ObjectId insert(int type, long length, java.io.InputStream in) throws IOException {
            return idFor(type, length, in);
        }

        @Override
        public ObjectId insert(int type, byte[] data, int off, int len) {
            return idFor(type, data, off, len);
        }
    }

    // --- merging -------------------------------------------------------------------------------

    /**
     * ICGC's rule: bring in the admin branch only once it holds the last scheduler commit that reached
     * the remote, so operators always edit on top of what the scheduler did. Conflicts are found in
     * memory first; a conflicting merge changes nothing.
     */
    public MergeOutcome mergeAdmin() {
        return mergeAdmin(true);
    }

    /**
     * {@link #mergeAdmin()}, fetching first only when {@code fetchFirst}: when a timer fetches between cycles
     * ({@link #fetchAdminChanged}), a cycle merges what the last fetch brought.
     */
    public MergeOutcome mergeAdmin(boolean fetchFirst) {
        if (!hasRemote) {
            return MergeOutcome.of(MergeOutcome.Kind.LOCAL_ONLY, "no remote");
        }
        try {
            if (fetchFirst) {
                fetch();
            }
            Repository r = git.getRepository();
            ObjectId admin = r.resolve("refs/remotes/" + REMOTE + "/" + adminBranch);
            if (admin == null) {
                return MergeOutcome.of(MergeOutcome.Kind.UP_TO_DATE, "the remote has no branch " + adminBranch);
            }
            ObjectId head = r.resolve(Constants.HEAD);
            try (RevWalk w = new RevWalk(r)) {
                RevCommit adminC = w.parseCommit(admin);
                RevCommit headC = w.parseCommit(head);
                if (w.isMergedInto(adminC, headC)) {
                    return MergeOutcome.of(MergeOutcome.Kind.UP_TO_DATE, adminBranch + " has nothing new");
                }
                ObjectId pushed = r.resolve("refs/remotes/" + REMOTE + "/" + branch);
                // Never pushed: operators cannot have merged anything of ours yet, so nothing to wait for.
                if (pushed != null) {
                    RevCommit last = w.parseCommit(pushed);
                    w.reset();
                    if (!w.isMergedInto(w.parseCommit(last), w.parseCommit(admin))) {
                        return MergeOutcome.of(MergeOutcome.Kind.WAITING, adminBranch + " has not taken in "
                                + branch + " " + last.abbreviate(8).name() + " yet");
                    }
                }
            }
            return merge(admin, adminBranch);
        } catch (IOException | GitAPIException e) {
            throw new IllegalStateException("cannot merge " + adminBranch + ": " + e.getMessage(), e);
        }
    }

    /**
     * The commits of the admin branch that the scheduler branch does not have and that touch {@code paths} (all of
     * them when none is given), newest first, as {@code <id> "<subject>"}: the ones an operator would revert.
     */
    public List<String> adminCommitsTouching(Collection<String> paths) {
        try {
            Repository r = git.getRepository();
            ObjectId admin = r.resolve("refs/remotes/" + REMOTE + "/" + adminBranch);
            ObjectId head = r.resolve(Constants.HEAD);
            if (admin == null || head == null) {
                return List.of();
            }
            org.eclipse.jgit.api.LogCommand log = git.log().addRange(head, admin).setMaxCount(10);
            paths.forEach(log::addPath);
            List<String> out = new ArrayList<>();
            for (RevCommit c : log.call()) {
                out.add(c.abbreviate(8).name() + " \"" + c.getShortMessage() + "\"");
            }
            return out;
        } catch (IOException | GitAPIException e) {
            throw new IllegalStateException("cannot list the commits of " + adminBranch + ": " + e.getMessage(), e);
        }
    }

    /** The abbreviated id of the scheduler branch's last commit. */
    public String headShort() {
        return head().map(h -> h.abbreviate(8).name()).orElse("(none)");
    }

    /** After a rejected push: bring in what others pushed to the scheduler branch. */
    public MergeOutcome catchUpRemoteBranch() {
        try {
            fetch();
            ObjectId theirs = git.getRepository().resolve("refs/remotes/" + REMOTE + "/" + branch);
            if (theirs == null) {
                return MergeOutcome.of(MergeOutcome.Kind.UP_TO_DATE, "the remote has no branch " + branch);
            }
            return merge(theirs, REMOTE + "/" + branch);
        } catch (IOException | GitAPIException e) {
            throw new IllegalStateException("cannot merge " + REMOTE + "/" + branch + ": " + e.getMessage(), e);
        }
    }

    private MergeOutcome merge(ObjectId theirs, String name) throws IOException, GitAPIException {
        Repository r = git.getRepository();
        ObjectId head = r.resolve(Constants.HEAD);
        ResolveMerger dry = (ResolveMerger) MergeStrategy.RECURSIVE.newMerger(r, true);
        if (!dry.merge(head, theirs)) {
            List<String> paths = new ArrayList<>(dry.getUnmergedPaths());
            dry.getFailingPaths();
            throw new GitConflictException("merging " + name + " into " + branch + " would conflict; nothing was changed",
                    paths);
        }
        MergeResult res = git.merge().include(theirs).setCommit(true).setFastForward(MergeCommand.FastForwardMode.FF)
                .setMessage("[scheduler] merge " + name).call();
        if (!res.getMergeStatus().isSuccessful()) {
            git.reset().setMode(ResetCommand.ResetType.HARD).setRef(head.name()).call();
            throw new GitConflictException("merging " + name + " into " + branch + " failed (" + res.getMergeStatus()
                    + "); the clone was reset to " + head.abbreviate(8).name(), List.of());
        }
        return MergeOutcome.of(MergeOutcome.Kind.MERGED, name + ": " + res.getMergeStatus());
    }

    /** Fetches the remote; true when the admin branch moved since the last fetch (an operator pushed). */
    public boolean fetchAdminChanged() {
        if (!hasRemote) {
            return false;
        }
        String ref = "refs/remotes/" + REMOTE + "/" + adminBranch;
        try {
            ObjectId before = git.getRepository().resolve(ref);
            fetch();
            return !java.util.Objects.equals(before, git.getRepository().resolve(ref));
        } catch (IOException | GitAPIException e) {
            throw new IllegalStateException("cannot fetch " + adminBranch + ": " + e.getMessage(), e);
        }
    }

    /**
     * Asks the remote where its admin branch is, without fetching anything (what {@code git ls-remote} does: one
     * round trip that reads the remote's refs): true when it is not where the last fetch left it, so an operator
     * pushed since. {@code timeout} bounds the wait for a remote over the network (JGit counts whole seconds, at least
     * one); a remote that does not answer in time, or at all, is a {@link RemoteUnreachableException}.
     */
    public boolean adminMovedOnRemote(java.time.Duration timeout) {
        if (!hasRemote) {
            return false;
        }
        try {
            java.util.Map<String, org.eclipse.jgit.lib.Ref> refs = git.lsRemote().setRemote(REMOTE).setHeads(true)
                    .setTimeout((int) Math.max(1, timeout.toSeconds())).callAsMap();
            org.eclipse.jgit.lib.Ref there = refs.get("refs/heads/" + adminBranch);
            ObjectId here = git.getRepository().resolve("refs/remotes/" + REMOTE + "/" + adminBranch);
            return !java.util.Objects.equals(there == null ? null : there.getObjectId(), here);
        } catch (TransportException | InvalidRemoteException e) {
            throw unreachable(e);
        } catch (IOException | GitAPIException e) {
            throw new IllegalStateException("cannot read the remote's " + adminBranch + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether the last fetch brought admin-branch commits that the next merge would take in (ICGC's rule holds: the
     * admin branch has taken in the last scheduler commit pushed), so a push before that merge would hold them back.
     */
    public boolean adminMergeable() {
        if (!hasRemote) {
            return false;
        }
        try {
            Repository r = git.getRepository();
            ObjectId admin = r.resolve("refs/remotes/" + REMOTE + "/" + adminBranch);
            ObjectId head = r.resolve(Constants.HEAD);
            if (admin == null || head == null) {
                return false;
            }
            ObjectId pushed = r.resolve("refs/remotes/" + REMOTE + "/" + branch);
            try (RevWalk w = new RevWalk(r)) {
                if (w.isMergedInto(w.parseCommit(admin), w.parseCommit(head))) {
                    return false;
                }
                w.reset();
                return pushed == null || w.isMergedInto(w.parseCommit(pushed), w.parseCommit(admin));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot compare " + adminBranch + " with " + branch, e);
        }
    }

    private void fetch() throws GitAPIException {
        try {
            git.fetch().setRemote(REMOTE).setRefSpecs(new RefSpec("+refs/heads/*:refs/remotes/" + REMOTE + "/*")).call();
        } catch (TransportException | InvalidRemoteException e) {
            throw unreachable(e);
        }
    }

    /**
     * Whether a failed Git call (camel-git's commit) failed because the index was locked: another process holds it a
     * moment (git status refreshes it under index.lock), and JGit does not wait for it.
     */
    public static boolean isIndexLocked(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.eclipse.jgit.errors.LockFailedException l && l.getFile() != null
                    && l.getFile().getName().equals("index")) {
                return true;
            }
        }
        return false;
    }

    /** Whether a failed Git call failed because the remote could not be reached (camel-git's push throws these). */
    public static boolean isUnreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TransportException || t instanceof InvalidRemoteException
                    || t instanceof RemoteUnreachableException) {
                return true;
            }
        }
        return false;
    }

    /** A failed call to the remote as the operators are told of it: which remote (without credentials), and why. */
    public RemoteUnreachableException unreachable(Exception e) {
        String url = git.getRepository().getConfig().getString("remote", REMOTE, "url");
        String why = String.valueOf(e.getMessage());
        if (url != null && !url.isBlank()) {
            why = why.replace(url, redact(url)); // JGit names the URL, credentials and all
        }
        return new RemoteUnreachableException("the remote " + redact(url) + " cannot be reached: " + why, e);
    }

    // --- pushing -------------------------------------------------------------------------------

    /** Reads camel-git's push answer; a refused update becomes a {@link PushRejectedException}. */
    public static void checkPushResults(Iterable<PushResult> results) {
        if (results == null) {
            throw new IllegalStateException("the push gave no result");
        }
        for (PushResult pr : results) {
            for (RemoteRefUpdate u : pr.getRemoteUpdates()) {
                switch (u.getStatus()) {
                    case OK, UP_TO_DATE -> {
                    }
                    case REJECTED_NONFASTFORWARD, REJECTED_REMOTE_CHANGED, REJECTED_OTHER_REASON, REJECTED_NODELETE ->
                            throw new PushRejectedException("push of " + u.getRemoteName() + " rejected: " + u.getStatus()
                                    + (u.getMessage() == null ? "" : " (" + u.getMessage() + ")"));
                    default -> throw new IllegalStateException("push of " + u.getRemoteName() + " failed: " + u.getStatus());
                }
            }
        }
    }

    /** Commits on the scheduler branch that the remote does not have yet. */
    public boolean hasUnpushedCommits() {
        try {
            Repository r = git.getRepository();
            ObjectId head = r.resolve(Constants.HEAD);
            if (head == null) {
                return false;
            }
            ObjectId remote = r.resolve("refs/remotes/" + REMOTE + "/" + branch);
            return !head.equals(remote);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Optional<Instant> headCommitTime() {
        try (RevWalk w = new RevWalk(git.getRepository())) {
            ObjectId head = git.getRepository().resolve(Constants.HEAD);
            return head == null ? Optional.empty() : Optional.of(Instant.ofEpochSecond(w.parseCommit(head).getCommitTime()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Optional<ObjectId> head() {
        try {
            return Optional.ofNullable(git.getRepository().resolve(Constants.HEAD));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Remote URLs may carry credentials; never print them. */
    public static String redact(String url) {
        if (url == null || url.isBlank()) {
            return "(none)";
        }
        try {
            URIish u = new URIish(url);
            return u.getPass() == null && u.getUser() == null ? url : u.setPass(null).setUser(null).toString();
        } catch (Exception e) {
            return "(unparseable URL)";
        }
    }

    @Override
    public void close() {
        git.close();
    }
}
