package dev.caravan.cli;

import dev.caravan.testkit.FlowTest;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The embedded default loads its routes by name: every shipped route file must be named. */
@FlowTest
class RouteFilesTest {

    @Test
    void everyShippedRouteFileIsListed() throws Exception {
        try (Stream<Path> s = Files.list(Path.of("routes"))) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".camel.yaml")))
                    .containsExactlyInAnyOrderElementsOf(dev.caravan.camel.CaravanMain.ROUTE_FILES);
        }
        for (String f : dev.caravan.camel.CaravanMain.ROUTE_FILES) {
            assertThat(getClass().getResource("/routes/" + f)).as("routes/" + f + " in the jar").isNotNull();
        }
    }
}
