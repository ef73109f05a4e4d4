package dev.caravan.batches;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** The real inputs under ../shared; tests that need them skip with a message when they are absent. */
public final class SharedFixtures {

    private SharedFixtures() {
    }

    /** ../shared/fixtures/wepp/simple.geojson: WEPPcloud's batch runner sample, 3 features. */
    public static Path simpleGeoJson() {
        Path p = Path.of("../shared/fixtures/wepp/simple.geojson");
        assumeTrue(Files.isRegularFile(p), "skipped: " + p.toAbsolutePath() + " is absent (run Maven from the"
                + " project root, with ../shared next to it)");
        return p;
    }
}
