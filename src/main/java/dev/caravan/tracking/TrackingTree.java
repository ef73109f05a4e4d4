package dev.caravan.tracking;

import dev.caravan.model.BadInputException;
import dev.caravan.model.Job;
import dev.caravan.model.JobRef;
import dev.caravan.model.RunMarker;
import dev.caravan.model.State;
import dev.caravan.model.Transition;
import dev.caravan.model.TreeFile;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiConsumer;

/**
 * The only code that touches {@code jobs/}: reads it into the index, moves job folders, writes run
 * markers and flag files, and remembers every path it changed so that Git stages exactly those.
 */
public final class TrackingTree implements TreeView {

    public static final String JOBS = "jobs";

    private final Path root;
    private final Path jobs;
    private final Optional<Path> dirtyMarker;
    private final ParamsReader paramsReader = new ParamsReader();
    private final Set<String> touched = new TreeSet<>();
    /** Volatile: its version is read without the engine's lock (see JobIndex.version). */
    private volatile JobIndex index = new JobIndex();
    /** A read of the tree still under way ({@link #loadInBackground}), or null. */
    private volatile CompletableFuture<ScanResult> loading;

    /**
     * @param dirtyMarker a file written before the first unstaged change, so that a crash between a
     *                    move and its staging is noticed on the next start; empty for plain folders
     */
    public TrackingTree(Path root, Optional<Path> dirtyMarker) {
        this.root = root.toAbsolutePath().normalize();
        this.jobs = this.root.resolve(JOBS);
        this.dirtyMarker = dirtyMarker;
    }

    public Path root() {
        return root;
    }

    public Path jobsDir() {
        return jobs;
    }

    /** Any tree folder read without Git (a report, a dashboard): empty when it has no {@code jobs/}. */
    public static Optional<Folder> readFolder(Path dir) {
        if (!Files.isDirectory(dir.resolve(JOBS))) {
            return Optional.empty();
        }
        TrackingTree tree = new TrackingTree(dir, Optional.empty());
        ScanResult r = tree.load();
        return Optional.of(new Folder(tree, r.warnings()));
    }

    /** A tree folder as read, and what was wrong in it (jobs left where they are). */
    public record Folder(TreeView tree, List<String> warnings) {
    }

    /** Reads the whole tree; done at start and after a merge brought other people's changes. */
    public ScanResult load() {
        awaitLoad();
        return scan();
    }

    private ScanResult scan() {
        ScanResult r = new TreeScanner().scan(jobs.toFile());
        index = r.index();
        return r;
    }

    /**
     * Reads the whole tree on a thread of its own, so that a starting process reads its 15,000 job folders while
     * Camel starts on the other core; whatever needs the index meanwhile waits for the read.
     */
    public CompletableFuture<ScanResult> loadInBackground() {
        awaitLoad();
        CompletableFuture<ScanResult> read = new CompletableFuture<>();
        loading = read;
        Thread t = new Thread(() -> {
            try {
                read.complete(scan());
            } catch (Throwable e) {
                read.completeExceptionally(e);
            }
        }, "caravan-tree-read");
        t.setDaemon(true);
        t.start();
        return read;
    }

    private void awaitLoad() {
        CompletableFuture<ScanResult> read = loading;
        if (read == null) {
            return;
        }
        try {
            read.join();
        } catch (CompletionException e) {
            // the reader's own error (an unreadable tree), as a read on this thread would have thrown it
            throw e.getCause() instanceof RuntimeException re ? re : e;
        }
        loading = null;
    }

    @Override
    public JobIndex index() {
        awaitLoad();
        return index;
    }

    public Path jobDir(Job job) {
        return dir(job.ref(), job.state());
    }

    private Path dir(JobRef ref, State state) {
        return jobs.resolve(ref.group()).resolve(ref.batch()).resolve(state.name()).resolve(ref.jobId());
    }

    @Override
    public Map<String, Object> readParams(Job job) {
        Path p = jobDir(job).resolve(TreeScanner.PARAMS);
        if (!Files.isRegularFile(p)) {
            throw new BadInputException("missing " + p);
        }
        return paramsReader.read(p);
    }

    /** Moves the job folder (an atomic rename) and keeps the index in step. */
    public Transition move(JobRef ref, State to, String reason) {
        Job job = index().get(ref).orElseThrow(() -> new IllegalStateException("job " + ref + " is not in the index"));
        Path from = jobDir(job);
        Path dest = dir(ref, to);
        if (Files.exists(dest)) {
            throw new IllegalStateException("cannot move " + ref + " to " + to + ": " + dest + " already exists");
        }
        markDirty();
        List<String> files = listFiles(from);
        try {
            Files.createDirectories(dest.getParent());
            Files.move(from, dest, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + from + " to " + dest, e);
        }
        for (String f : files) {
            touched.add(rel(from.resolve(f)));
            touched.add(rel(dest.resolve(f)));
        }
        index().move(ref, to);
        index().noteState(ref.group(), to);
        String env = job.newestRun().map(RunMarker::env).orElse("");
        return new Transition(ref, job.state(), to, env, reason);
    }

    public void addMarker(JobRef ref, RunMarker marker) {
        Job job = index().get(ref).orElseThrow(() -> new IllegalStateException("job " + ref + " is not in the index"));
        Path file = jobDir(job).resolve(marker.fileName());
        markDirty();
        // No fsync: the submit intent stays until the marker is in place, and a marker lost in a crash is
        // written again from the backend's answer on the next cycle. Empty, so created in place: a reader cannot see
        // it half written, and a temporary file and a rename cost two more system calls per submission.
        try {
            Files.newOutputStream(file, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE)
                    .close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        touched.add(rel(file));
        index().addRun(ref, marker);
    }

    /** Adds a new job folder with its params.json (import); refuses to overwrite anything. */
    public void addJob(JobRef ref, State state, byte[] paramsJson) {
        addJob(ref, state, paramsJson, List.of());
    }

    /** As {@link #addJob(JobRef, State, byte[])}, for a job that runs after others of its batch. */
    public void addJob(JobRef ref, State state, byte[] paramsJson, List<String> after) {
        Path dir = dir(ref, state);
        if (Files.exists(dir)) {
            throw new BadInputException("job folder " + dir + " already exists");
        }
        markDirty();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        Path p = dir.resolve(TreeScanner.PARAMS);
        // No fsync per file: an import of thousands of rows is made durable by its commit.
        write(p, paramsJson, false);
        touched.add(rel(p));
        for (String dep : after) {
            JobRef.isSafeName(dep);
            Path a = dir.resolve(Job.AFTER_PREFIX + new JobRef(ref.group(), ref.batch(), dep).jobId());
            write(a, new byte[0], false);
            touched.add(rel(a));
        }
        index().put(new Job(ref, state, List.of(), after));
    }

    /** The state folders on disk that hold a folder of this job, whatever the index says (it may hold some back). */
    public List<State> foldersOf(JobRef ref) {
        List<State> out = new ArrayList<>();
        for (File st : TreeScanner.dirs(jobs.resolve(ref.group()).resolve(ref.batch()).toFile())) {
            if (JobRef.isSafeName(st.getName()) && new File(st, ref.jobId()).isDirectory()) {
                out.add(State.of(st.getName()));
            }
        }
        return out;
    }

    /** Replaces a job's params.json (new resources for a resubmission). */
    public void writeParams(JobRef ref, byte[] paramsJson) {
        Job job = index().get(ref).orElseThrow(() -> new IllegalStateException("job " + ref + " is not in the index"));
        Path p = jobDir(job).resolve(TreeScanner.PARAMS);
        markDirty();
        write(p, paramsJson, false);
        touched.add(rel(p));
    }

    /** Removes a job's folder from the tree and the index. */
    public void delete(JobRef ref) {
        Job job = index().get(ref).orElseThrow(() -> new IllegalStateException("job " + ref + " is not in the index"));
        Path dir = jobDir(job);
        markDirty();
        for (String f : listFiles(dir)) {
            touched.add(rel(dir.resolve(f)));
        }
        DemoSeeder.deleteTree(dir);
        index().remove(ref);
    }

    @Override
    public Optional<String> read(TreeFile file) {
        Path p = pathOf(file);
        if (!Files.exists(p)) {
            return Optional.empty();
        }
        if (!Files.isRegularFile(p)) {
            throw new BadInputException(p + " exists and is not a file");
        }
        try {
            return Optional.of(Files.readString(p, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new BadInputException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    /** Writes a file a capability keeps beside its jobs ({@code batch-summary.tsv}, {@code workflow.json}). */
    public void write(TreeFile file, String content) {
        Path p = pathOf(file);
        markDirty();
        write(p, content.getBytes(StandardCharsets.UTF_8), false);
        touched.add(rel(p));
    }

    /** Removes a file a capability keeps beside its jobs; nothing happens when there is none. */
    public void deleteFile(TreeFile file) {
        Path p = pathOf(file);
        if (!Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        markDirty();
        try {
            Files.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + p, e);
        }
        touched.add(rel(p));
    }

    @Override
    public Path pathOf(TreeFile file) {
        Path g = jobs.resolve(file.group());
        return (file.batch().isPresent() ? g.resolve(file.batch().get()) : g).resolve(file.name());
    }

    @Override
    public Path pathOf(JobRef ref, State state) {
        return dir(ref, state);
    }

    @Override
    public List<String> groups() {
        return TreeScanner.dirs(jobs.toFile()).stream().map(File::getName).toList();
    }

    @Override
    public List<String> batchesWithFile(String group, String name) {
        return TreeScanner.dirs(jobs.resolve(group).toFile()).stream().filter(b -> new File(b, name).isFile())
                .map(File::getName).toList();
    }

    @Override
    public boolean hasBatchFolder(String group, String batch) {
        return Files.exists(jobs.resolve(group).resolve(batch));
    }

    @Override
    public Set<String> jobFoldersOnDisk(String group, String batch) {
        Set<String> out = new TreeSet<>();
        for (File st : TreeScanner.dirs(jobs.resolve(group).resolve(batch).toFile())) {
            String[] names = st.list();
            if (names != null) {
                out.addAll(List.of(names));
            }
        }
        return out;
    }

    @Override
    public Optional<Path> notAFolder(String group, Optional<String> batch, Optional<State> state) {
        List<Path> levels = new ArrayList<>();
        levels.add(jobs.resolve(group));
        batch.ifPresent(b -> {
            levels.add(jobs.resolve(group).resolve(b));
            state.ifPresent(st -> levels.add(jobs.resolve(group).resolve(b).resolve(st.name())));
        });
        return levels.stream().filter(p -> Files.exists(p) && !Files.isDirectory(p)).findFirst();
    }

    @Override
    public void forEachParams(String group, BiConsumer<String, Map<String, Object>> each) {
        for (File batch : TreeScanner.dirs(jobs.resolve(group).toFile())) {
            for (File state : TreeScanner.dirs(batch)) {
                for (File job : TreeScanner.dirs(state)) {
                    File params = new File(job, TreeScanner.PARAMS);
                    if (params.isFile()) {
                        each.accept(batch.getName() + "/" + state.getName() + "/" + job.getName(),
                                paramsReader.read(params.toPath()));
                    }
                }
            }
        }
    }

    public Path pauseFile(String env) {
        return jobs.resolve("pause." + env);
    }

    public Path excessiveFailureFile(String env) {
        return jobs.resolve("excessive_failure." + env + ".txt");
    }

    public boolean isPaused(String env) {
        return Files.exists(pauseFile(env));
    }

    public boolean hasExcessiveFailureFlag(String env) {
        return Files.exists(excessiveFailureFile(env));
    }

    public void writeExcessiveFailureFlag(String env, String text) {
        Path p = excessiveFailureFile(env);
        markDirty();
        writeDurably(p, text.getBytes(StandardCharsets.UTF_8));
        touched.add(rel(p));
    }

    /** The paths changed since the last call, relative to the root, '/'-separated. */
    public Set<String> takeTouched() {
        Set<String> out = new TreeSet<>(touched);
        touched.clear();
        return out;
    }

    /** Paths taken by {@link #takeTouched} that could not be staged: the next stage takes them again. */
    public void touchAgain(java.util.Collection<String> paths) {
        touched.addAll(paths);
    }

    public boolean hasTouched() {
        return !touched.isEmpty();
    }

    private String rel(Path p) {
        return root.relativize(p).toString().replace(File.separatorChar, '/');
    }

    private void markDirty() {
        awaitLoad(); // every change to the tree comes here first: none lands while a read is under way
        if (touched.isEmpty() && dirtyMarker.isPresent() && !Files.exists(dirtyMarker.get())) {
            writeDurably(dirtyMarker.get(), new byte[0]);
        }
    }

    private static List<String> listFiles(Path dir) {
        String[] names = dir.toFile().list();
        if (names == null) {
            throw new UncheckedIOException(new IOException("cannot list " + dir));
        }
        return List.of(names);
    }

    static void writeDurably(Path file, byte[] content) {
        write(file, content, true);
    }

    /** Atomic (a reader sees the old file or the new one), and forced to disk when {@code sync}. */
    private static void write(Path file, byte[] content, boolean sync) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
            Files.write(tmp, content);
            if (sync) {
                try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
