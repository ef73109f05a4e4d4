package dev.caravan.nacc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What the NACC watch remembers of each run, beside the tree like the submit intents
 * ({@code .git/caravan/nacc-runs/<run>.json}, never committed): whether the failed jobs were retried, when
 * the last "still running" line went out, and whether the run's end was reported. A restarted daemon on the
 * same tracking clone carries on from there; the jobs themselves are in the tree.
 */
public final class NaccRunLog {

    public static final String DIR = "nacc-runs";

    /** Status of a run: {@link #RUNNING} until every job ended, {@link #RETRYING} after the one retry, then {@link #DONE}. */
    public static final String RUNNING = "running";
    public static final String RETRYING = "retrying";
    public static final String DONE = "done";

    /**
     * @param lastStatus epoch seconds of the last "still running" line (the plan's time at first)
     * @param retried    jobs moved back to backlog for their one retry
     */
    public record RunState(String run, String gear, String env, long planned, int batches, int jobs, boolean retryJobs,
                           String status, long lastStatus, List<String> retried) {

        public RunState {
            retried = List.copyOf(retried);
        }

        RunState with(String newStatus, long newLastStatus, List<String> newRetried) {
            return new RunState(run, gear, env, planned, batches, jobs, retryJobs, newStatus, newLastStatus, newRetried);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;

    /** @param journalDir the journal's folder, {@code .git/caravan} */
    public NaccRunLog(Path journalDir) {
        this.dir = journalDir.resolve(DIR);
    }

    public Path dir() {
        return dir;
    }

    public void save(RunState s) {
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve(s.run() + ".json");
            Path tmp = dir.resolve("." + s.run() + ".json.tmp");
            JSON.writeValue(tmp.toFile(), s);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the NACC run state of " + s.run() + " in " + dir, e);
        }
    }

    public Optional<RunState> get(String run) {
        Path p = dir.resolve(run + ".json");
        if (!Files.isRegularFile(p)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(p.toFile(), RunState.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the NACC run state " + p, e);
        }
    }

    /** Every run, oldest first. */
    public List<RunState> all() {
        List<RunState> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.json")) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                get(name.substring(0, name.length() - ".json".length())).ifPresent(out::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        out.sort(Comparator.comparing(RunState::run));
        return out;
    }

    /** Runs not reported as done yet. */
    public List<RunState> open() {
        return all().stream().filter(s -> !DONE.equals(s.status())).toList();
    }
}
