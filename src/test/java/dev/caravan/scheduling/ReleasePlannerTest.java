package dev.caravan.scheduling;

import dev.caravan.model.Job;
import dev.caravan.model.JobRef;
import dev.caravan.model.RunMarker;
import dev.caravan.model.State;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class ReleasePlannerTest {

    private static Job job(String group, String batch, String id, RunMarker... runs) {
        return new Job(new JobRef(group, batch, id), State.BACKLOG, List.of(runs));
    }

    private static List<String> paths(List<Job> jobs) {
        return jobs.stream().map(j -> j.ref().path()).toList();
    }

    /** The backlog as the index hands it over: in path order. */
    private static List<Job> backlog(Job... jobs) {
        return Stream.of(jobs).sorted((a, b) -> a.ref().compareTo(b.ref())).toList();
    }

    private final List<Job> backlog = backlog(
            job("ALPHA", "b1", "j1"), job("ALPHA", "b1", "j2"), job("ALPHA", "b2", "j1"),
            job("BETA", "b1", "j1"), job("BETA", "b1", "j2"),
            job("DELTA", "b1", "j1"),
            job("GAMMA", "b1", "j1"), job("GAMMA", "b1", "j2"),
            job("OMEGA", "b1", "j1"));

    @Test
    void priorityGroupsFirstInGivenOrderThenTheRestSortedExcludedNever() {
        ReleasePlanner p = new ReleasePlanner(List.of("GAMMA", "BETA", "NOT-THERE"), Set.of("DELTA"));

        List<Job> picked = p.pick(backlog, "local", 100, j -> true);

        assertThat(paths(picked)).containsExactly(
                "GAMMA/b1/j1", "GAMMA/b1/j2",
                "BETA/b1/j1", "BETA/b1/j2",
                "ALPHA/b1/j1", "ALPHA/b1/j2", "ALPHA/b2/j1",
                "OMEGA/b1/j1");
    }

    @Test
    void anExcludedGroupIsNeverReleasedEvenWhenItIsAlsoAPriority() {
        ReleasePlanner p = new ReleasePlanner(List.of("DELTA", "OMEGA"), Set.of("DELTA", "ALPHA"));

        List<Job> picked = p.pick(backlog, "local", 100, j -> true);

        assertThat(paths(picked)).containsExactly("OMEGA/b1/j1", "BETA/b1/j1", "BETA/b1/j2",
                "GAMMA/b1/j1", "GAMMA/b1/j2");
        assertThat(picked).noneMatch(j -> j.ref().group().equals("DELTA") || j.ref().group().equals("ALPHA"));
    }

    @Test
    void slotsCapTheReleaseInPlanOrder() {
        ReleasePlanner p = new ReleasePlanner(List.of("GAMMA"), Set.of());

        assertThat(paths(p.pick(backlog, "local", 3, j -> true)))
                .containsExactly("GAMMA/b1/j1", "GAMMA/b1/j2", "ALPHA/b1/j1");
        assertThat(paths(p.pick(backlog, "local", 1, j -> true))).containsExactly("GAMMA/b1/j1");
    }

    @Test
    void noFreeSlotsReleasesNothing() {
        ReleasePlanner p = new ReleasePlanner(List.of(), Set.of());

        assertThat(p.pick(backlog, "local", 0, j -> true)).isEmpty();
        assertThat(p.pick(backlog, "local", -3, j -> true)).isEmpty();
        assertThat(p.pick(List.of(), "local", 5, j -> true)).isEmpty();
    }

    @Test
    void withoutPriorityGroupsAreSortedAndJobsKeepPathOrder() {
        ReleasePlanner p = new ReleasePlanner(List.of(), Set.of());

        assertThat(paths(p.pick(backlog, "local", 100, j -> true))).containsExactly(
                "ALPHA/b1/j1", "ALPHA/b1/j2", "ALPHA/b2/j1", "BETA/b1/j1", "BETA/b1/j2", "DELTA/b1/j1",
                "GAMMA/b1/j1", "GAMMA/b1/j2", "OMEGA/b1/j1");
    }

    @Test
    void aJobWithEarlierRunsOnlyGoesToTheEnvOfItsNewestRun() {
        List<Job> jobs = backlog(
                job("ALPHA", "b1", "fresh"),
                job("ALPHA", "b1", "lastOnWes", new RunMarker(100, "local", "a"), new RunMarker(200, "wes", "b")),
                job("ALPHA", "b1", "lastOnLocal", new RunMarker(300, "wes", "c"), new RunMarker(400, "local", "d")));
        ReleasePlanner p = new ReleasePlanner(List.of(), Set.of());

        assertThat(paths(p.pick(jobs, "local", 10, j -> true)))
                .containsExactly("ALPHA/b1/fresh", "ALPHA/b1/lastOnLocal");
        assertThat(paths(p.pick(jobs, "wes", 10, j -> true)))
                .containsExactly("ALPHA/b1/fresh", "ALPHA/b1/lastOnWes");
        assertThat(paths(p.pick(jobs, "awsbatch", 10, j -> true)))
                .containsExactly("ALPHA/b1/fresh");
    }

    @Test
    void ineligibleJobsAreSkippedAndDoNotUseASlot() {
        ReleasePlanner p = new ReleasePlanner(List.of("GAMMA"), Set.of());
        List<JobRef> asked = new ArrayList<>();

        List<Job> picked = p.pick(backlog, "local", 2, j -> {
            asked.add(j.ref());
            return !j.ref().path().equals("GAMMA/b1/j1");
        });

        assertThat(paths(picked)).containsExactly("GAMMA/b1/j2", "ALPHA/b1/j1");
        assertThat(asked).extracting(JobRef::path).contains("GAMMA/b1/j1");
    }

    @Test
    void allIneligibleReleasesNothing() {
        ReleasePlanner p = new ReleasePlanner(List.of("GAMMA"), Set.of());

        assertThat(p.pick(backlog, "local", 10, j -> false)).isEmpty();
    }
}
