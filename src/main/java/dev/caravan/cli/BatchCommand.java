package dev.caravan.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.caravan.batches.export.ClusterExport;
import dev.caravan.batches.service.BatchService;
import dev.caravan.camel.OneShot;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code caravan batch ...}: every action of the batches API ({@code /api/batches}) as a command, calling the same
 * service on a one-shot. Answers are printed as the API's JSON; errors as the API's messages.
 */
final class BatchCommand {

    static final String HELP = """
            usage: caravan batch COMMAND [GROUP/BATCH [JOB_ID]] [options] [--config FILE]

              list                              every batch of every group with its jobs per state
              create GROUP/BATCH [--batch-config NAME] [--env NAME] [--tasks FILE.json] [--parallel N]
                                                a new batch (not started)
              show GROUP/BATCH                  the batch and its items, with status and colour
              delete GROUP/BATCH                the batch and every file of it (refused while it runs)
              resource GROUP/BATCH --file F.geojson|F.csv|F.json|F.jsonl [--format geojson|csv|json|jsonl]
                                                upload the GeoJSON or the rows (one item per feature or row, the
                                                format by the file's ending unless --format says); prints the analysis
              template GROUP/BATCH --template T validate the run-id template over every feature and keep it
              tasks GROUP/BATCH [--tasks FILE.json] [--directives task=on,task=off]
              start GROUP/BATCH [--from-item ID] [--at ISO|HH:MM] [--force-rebuild]
              unschedule GROUP/BATCH            cancel a scheduled start
              abort GROUP/BATCH                 abort the running items; nothing more starts until start
              retry GROUP/BATCH                 failed and aborted items back to the backlog
              export GROUP/BATCH [--out FILE]   the cluster scripts as tar.gz (default: the archive's own name)
              item GROUP/BATCH JOB_ID           one item
              item-abort GROUP/BATCH JOB_ID     kill the item's process tree
              item-delete GROUP/BATCH JOB_ID    delete the item with every file it has
              log GROUP/BATCH JOB_ID [--stream stdout|stderr] [--tail N]

            Commands that change something take the daemons' cycle lock, commit, and run a cycle of the batch's
            environment; they exit with status 3 while a daemon holds it (use the daemon's /api then).
            """;

    private static final Set<String> VALUED = Set.of("config", "batch-config", "env", "tasks", "parallel", "file",
            "template", "directives", "from-item", "at", "stream", "tail", "out", "format");
    private static final Set<String> FLAGS = Set.of("help", "force-rebuild");
    private static final Set<String> READS = Set.of("list", "show", "item", "log", "export");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private interface Body {
        Object run(BatchService s) throws Exception;
    }

    private BatchCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        ArgList a = ArgList.parse("batch", args, VALUED, FLAGS);
        if (a.options().help() || a.positional().isEmpty()) {
            out.print(HELP);
            return a.options().help() ? 0 : 2;
        }
        String sub = a.positional().get(0);
        Options o = a.options();
        String[] gb = sub.equals("list") ? new String[] {"", ""} : groupBatch(a.positional());
        String g = gb[0];
        String b = gb[1];
        Body body = switch (sub) {
            case "list" -> BatchService::list;
            case "create" -> s -> s.create(createBody(o, g, b));
            case "show" -> s -> s.get(g, b);
            case "delete" -> s -> s.delete(g, b);
            case "resource" -> s -> {
                Path file = Path.of(o.required("file"));
                try (InputStream in = Files.newInputStream(file)) {
                    return s.putResource(g, b, in, new BatchService.UploadHint(o.value("format").orElse(null),
                            String.valueOf(file.getFileName()), null));
                }
            };
            case "template" -> s -> s.template(g, b, o.required("template"));
            case "tasks" -> s -> s.tasks(g, b, tasksBody(o));
            case "start" -> s -> s.start(g, b, startBody(o));
            case "unschedule" -> s -> s.unschedule(g, b);
            case "abort" -> s -> s.abort(g, b);
            case "retry" -> s -> s.retry(g, b);
            case "export" -> s -> {
                ClusterExport.Archive x = s.export(g, b);
                Path to = Path.of(o.value("out").orElse(x.fileName()));
                Files.write(to, x.bytes());
                return Map.of("written", to.toString(), "folder", x.folder());
            };
            case "item" -> s -> s.item(g, b, item(a.positional()));
            case "item-abort" -> s -> s.abortItem(g, b, item(a.positional()));
            case "item-delete" -> s -> s.deleteItem(g, b, item(a.positional()));
            case "log" -> s -> s.log(g, b, item(a.positional()), o.value("stream").orElse("stdout"),
                    integer(o.value("tail").orElse("100"), "tail"));
            default -> throw new UsageException("unknown batch command '" + sub + "' (see caravan batch --help)");
        };
        Set<String> cycles = new LinkedHashSet<>();
        try (OneShot s = OneShot.start(Cli.config(o), !READS.contains(sub))) {
            Object answer = body.run(s.batches(cycles::add));
            if (answer instanceof String text) {
                out.print(text);
            } else {
                out.println(JSON.writeValueAsString(answer));
            }
            for (String env : cycles) {
                s.run(Optional.of(env)).ifPresent(p -> err.println("caravan: the cycle of " + env + " stopped: " + p));
            }
            return 0;
        } catch (Exception e) {
            return Cli.failed(e, err);
        }
    }

    private static String[] groupBatch(List<String> positional) {
        if (positional.size() < 2 || !positional.get(1).matches("[^/]+/[^/]+")) {
            throw new UsageException("batch " + positional.get(0) + " needs GROUP/BATCH");
        }
        return positional.get(1).split("/", 2);
    }

    private static String item(List<String> positional) {
        if (positional.size() != 3) {
            throw new UsageException("batch " + positional.get(0) + " needs GROUP/BATCH JOB_ID");
        }
        return positional.get(2);
    }

    private static int integer(String v, String name) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " " + v + ": not a whole number");
        }
    }

    private static Map<String, Object> createBody(Options o, String g, String b) throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("group", g);
        m.put("batch", b);
        o.value("batch-config").ifPresent(v -> m.put("config", v));
        o.value("env").ifPresent(v -> m.put("environment", v));
        if (o.value("parallel").isPresent()) {
            m.put("parallel", integer(o.value("parallel").get(), "parallel"));
        }
        if (o.value("tasks").isPresent()) {
            m.put("tasks", JSON.readValue(Path.of(o.value("tasks").get()).toFile(), Object.class));
        }
        return m;
    }

    private static Map<String, Object> tasksBody(Options o) throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        if (o.value("tasks").isPresent()) {
            m.put("tasks", JSON.readValue(Path.of(o.value("tasks").get()).toFile(), Object.class));
        }
        if (o.value("directives").isPresent()) {
            Map<String, Object> d = new LinkedHashMap<>();
            for (String pair : o.value("directives").get().split(",")) {
                String[] kv = pair.split("=", 2);
                if (kv.length != 2) {
                    throw new UsageException("--directives " + pair + ": give task=on|off");
                }
                d.put(kv[0].strip(), kv[1].strip());
            }
            m.put("directives", d);
        }
        return m;
    }

    private static Map<String, Object> startBody(Options o) {
        Map<String, Object> m = new LinkedHashMap<>();
        o.value("from-item").ifPresent(v -> m.put("from_item", v));
        o.value("at").ifPresent(v -> m.put("at", v));
        m.put("force_rebuild", o.flag("force-rebuild"));
        return m;
    }
}
