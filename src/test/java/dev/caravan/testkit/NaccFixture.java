package dev.caravan.testkit;

import dev.caravan.emulators.slack.SlackEmulator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.emulators.flywheel.FlywheelEmulator;
import dev.caravan.model.Job;
import dev.caravan.model.State;
import org.apache.camel.ProducerTemplate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A NACC set-up over real parts: an in-process Flywheel with the admin group's center map, a bare Git
 * remote for the tracking tree, a Slack webhook, and daemon settings with a flywheel environment {@code fw}
 * (batch barrier on) and {@code caravan.nacc.*}.
 */
public final class NaccFixture implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    public final Path dir;
    public final FlywheelEmulator fw;
    public final SlackEmulator slack;
    public final Path remote;
    private final ObjectNode centers = JSON.createObjectNode();

    public NaccFixture(Path dir) throws Exception {
        this.dir = dir;
        this.fw = new FlywheelEmulator();
        this.slack = new SlackEmulator();
        Path seed = Files.createDirectories(dir.resolve("seed/jobs"));
        Files.writeString(seed.resolve(".gitkeep"), "");
        this.remote = GitFixtures.bareRemote(dir.resolve("remote.git"), dir.resolve("seed"));
        fw.metadata("nacc", centers);
    }

    /** A center of the map with its source project (and the target project when the label is given). */
    public NaccFixture center(String group, boolean active, String source, long files, String target, String... fileNames) {
        centers.putObject(Integer.toString(100 + centers.size())).put("adcid", 100 + centers.size()).put("name", group)
                .put("group", group).put("active", active);
        if (source != null) {
            fw.project(group, source, files, fileNames);
        }
        if (target != null) {
            fw.project(group, target, 0);
        }
        return this;
    }

    public Map<String, String> settings(Path batchConfigs) {
        Map<String, String> p = DaemonHarness.base(dir);
        p.put("caravan.tracking.remote", remote.toString());
        p.put("caravan.slack.webhook-url", slack.url());
        p.put("caravan.env.fw.backend", "flywheel");
        p.put("caravan.env.fw.url", fw.url());
        p.put("caravan.env.fw.api-key", fw.apiKey());
        p.put("caravan.env.fw.batch-barrier", "true");
        p.put("caravan.env.fw.max-parallel-runs", "50");
        p.put("caravan.env.fw.excessive-failure-threshold", "0");
        p.put("caravan.env.fw.auto-retry-grace", "0s");
        p.put("caravan.nacc.env", "fw");
        p.put("caravan.nacc.batch-configs-file", batchConfigs.toAbsolutePath().toString());
        return p;
    }

    public static void plan(DaemonHarness d) {
        try (ProducerTemplate t = d.context().createProducerTemplate()) {
            t.requestBody("direct:nacc-plan", (Object) null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static void watch(DaemonHarness d) {
        try (ProducerTemplate t = d.context().createProducerTemplate()) {
            t.requestBody("direct:nacc-watch", (Object) null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** "group state" of every job, sorted, as the daemon's index has them. */
    public static List<String> states(DaemonHarness d) {
        return d.engine().inspect(t -> t.index().all().stream()
                .map(j -> j.ref().group() + " " + j.ref().batch().substring(j.ref().batch().lastIndexOf('.') + 1) + " " + j.state())
                .sorted().toList());
    }

    public static List<Job> jobs(DaemonHarness d, State s) {
        return d.engine().inspect(t -> List.copyOf(t.index().inState(s)));
    }

    /** Waits until Slack got a post containing every text. */
    public void posted(String... texts) {
        Poll.until("Slack post with " + String.join(" / ", texts), java.time.Duration.ofSeconds(20),
                () -> slack.texts().stream().anyMatch(p -> java.util.Arrays.stream(texts).allMatch(p::contains)));
    }

    public String post(String text) {
        posted(text);
        return slack.texts().stream().filter(p -> p.contains(text)).findFirst().orElseThrow();
    }

    @Override
    public void close() {
        fw.close();
        slack.close();
    }
}
