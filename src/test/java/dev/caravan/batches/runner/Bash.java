package dev.caravan.batches.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs generated scripts with the real bash, as the local backend and a cluster node do. */
public final class Bash {

    /** The end of one run: exit status and everything it printed. */
    public record Result(int exit, String output) {
    }

    private Bash() {
    }

    public static Path write(Path dir, String name, String script) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(name);
        Files.writeString(file, script, StandardCharsets.UTF_8);
        return file;
    }

    public static Result run(Path script, Map<String, String> env, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(script.getParent().toFile())
                .redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("bash %s ended", script).isTrue();
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    public static Result run(Path script) throws Exception {
        return run(script, Map.of());
    }

    public static JsonNode metadata(Path work) throws IOException {
        return new ObjectMapper().readTree(work.resolve(ItemScript.METADATA).toFile());
    }
}
