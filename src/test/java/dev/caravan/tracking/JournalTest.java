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
}
