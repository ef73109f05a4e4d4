package dev.caravan.tracking;

import dev.caravan.model.JobRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class JournalTest {

    @TempDir
    Path dir;

    @Test
    void anIntentTornByACrashIsDroppedAndTheOthersAreKept() throws Exception {
        Journal j = new Journal(dir.resolve("caravan"));
        Intent whole = new Intent(new JobRef("G", "b", "job.0001"), "aws", "G/b/job.0001#1-00ff00ff", 1, 1_700_000_000L);
        j.recordIntent(whole);
        Intent torn = new Intent(new JobRef("G", "b", "job.0002"), "aws", "G/b/job.0002#1-0a0b0c0d", 1, 1_700_000_001L);
        j.recordIntent(torn);
        Path tornFile;
        try (Stream<Path> s = Files.list(dir.resolve("caravan/intents"))) {
            tornFile = s.filter(p -> p.getFileName().toString().startsWith(Journal.sha1("G/b/job.0002"))).findFirst().orElseThrow();
        }
        byte[] full = Files.readAllBytes(tornFile);
        assertThat(j.intents()).containsExactlyInAnyOrder(whole, torn);

        // the crash came while the second intent was written: part of it, or nothing, reached the disk
        for (int cut : List.of(full.length / 2, 0)) {
            j.recordIntent(torn);
            Files.write(tornFile, java.util.Arrays.copyOf(full, cut));
            assertThat(j.intents()).containsExactly(whole);
            assertThat(tornFile).doesNotExist();
        }
        j.clearIntent(whole.job());
        assertThat(j.intents()).isEmpty();
    }

    @Test
    void aGroupOfIntentsIsOneFileGoneWhenEveryIntentInItIsSettled() throws Exception {
        Journal j = new Journal(dir.resolve("caravan"));
        Intent single = new Intent(new JobRef("G", "b", "job.0000"), "aws", "G/b/job.0000#1-01010101", 1, 1_700_000_000L);
        j.recordIntent(single);
        List<Intent> group = List.of(
                new Intent(new JobRef("G", "b", "job.0001"), "aws", "G/b/job.0001#1-00ff00ff", 1, 1_700_000_000L),
                new Intent(new JobRef("G", "b", "job.0002"), "aws", "G/b/job.0002#2-0a0b0c0d", 2, 1_700_000_001L),
                new Intent(new JobRef("G", "b", "job.0003"), "aws", "G/b/job.0003#1-0e0e0e0e", 1, 1_700_000_002L));
        j.recordIntents(group);
        assertThat(intentFiles()).hasSize(2);
        assertThat(j.intents()).containsExactlyInAnyOrder(single, group.get(0), group.get(1), group.get(2));

        // a settled intent is gone from the answer at once; its file stays while others in it are open
        j.clearIntent(group.get(1).job());
        assertThat(j.intents()).containsExactlyInAnyOrder(single, group.get(0), group.get(2));
        assertThat(intentFiles()).hasSize(2);

        // after a crash (a new Journal on the same folder) every intent of the file is open again, for the backend to
        // say which were sent
        Journal restarted = new Journal(dir.resolve("caravan"));
        assertThat(restarted.intents()).containsExactlyInAnyOrder(single, group.get(0), group.get(1), group.get(2));
        for (Intent i : group) {
            restarted.clearIntent(i.job());
        }
        assertThat(restarted.intents()).containsExactly(single);
        assertThat(intentFiles()).hasSize(1);
        j.clearIntent(group.get(0).job());
        j.clearIntent(group.get(2).job());
        j.clearIntent(single.job());
        assertThat(intentFiles()).isEmpty();
    }

    @Test
    void aGroupTornByACrashIsDroppedWhole() throws Exception {
        Journal j = new Journal(dir.resolve("caravan"));
        List<Intent> group = List.of(
                new Intent(new JobRef("G", "b", "job.0001"), "aws", "G/b/job.0001#1-00ff00ff", 1, 1_700_000_000L),
                new Intent(new JobRef("G", "b", "job.0002"), "aws", "G/b/job.0002#1-0a0b0c0d", 1, 1_700_000_001L));
        j.recordIntents(group);
        Path file = intentFiles().get(0);
        byte[] full = Files.readAllBytes(file);
        // the crash came while the group was written, before any of its submissions: whole lines, but not its end
        int lastLine = new String(full, java.nio.charset.StandardCharsets.UTF_8).lastIndexOf("end ");
        for (int cut : List.of(lastLine, lastLine / 2, 0)) {
            Files.write(file, java.util.Arrays.copyOf(full, cut));
            assertThat(new Journal(dir.resolve("caravan")).intents()).isEmpty();
            assertThat(file).doesNotExist();
        }
    }

    private List<Path> intentFiles() throws Exception {
        try (Stream<Path> s = Files.list(dir.resolve("caravan/intents"))) {
            return s.toList();
        }
    }
}
