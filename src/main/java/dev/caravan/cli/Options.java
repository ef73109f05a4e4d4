package dev.caravan.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code --name value} and {@code --flag} options of one command, checked against what it accepts. */
record Options(String command, Map<String, String> values, Set<String> flags) {

    private static final Map<String, Set<String>> VALUED = Map.of(
            "run", Set.of("config"),
            "cycle", Set.of("config"),
            "report", Set.of("config", "tracking"),
            "import", Set.of("config", "tracking", "group", "batch", "from", "unique-key"),
            "convert-config", Set.of());
    private static final Map<String, Set<String>> FLAGS = Map.of(
            "run", Set.of("help"),
            "cycle", Set.of("help", "once"),
            "report", Set.of("help"),
            "import", Set.of("help"),
            "convert-config", Set.of("help"));
    /** Commands that take one argument without a dash: it is kept under this name. */
    private static final Map<String, String> POSITIONAL = Map.of(
            "convert-config", "file");

    static Options parse(String command, List<String> args) {
        List<String> positional = new ArrayList<>();
        Options o = parse(command, args, VALUED.getOrDefault(command, Set.of()), FLAGS.getOrDefault(command, Set.of()),
                positional);
        String name = POSITIONAL.get(command);
        if (!positional.isEmpty() && (name == null || positional.size() > 1)) {
            throw new UsageException("unexpected argument '" + positional.get(name == null ? 0 : 1) + "' for " + command);
        }
        if (name != null && !positional.isEmpty()) {
            o.values().put(name, positional.get(0));
        }
        return o;
    }

    /** The options; arguments without a dash go to {@code positional}, in order. */
    static Options parse(String command, List<String> args, Set<String> valued, Set<String> flagNames,
                         List<String> positional) {
        Map<String, String> values = new HashMap<>();
        Set<String> flags = new HashSet<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--")) {
                positional.add(a);
                continue;
            }
            String name = a.substring(2);
            String inline = null;
            int eq = name.indexOf('=');
            if (eq > 0) {
                inline = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flagNames.contains(name) && inline == null) {
                flags.add(name);
            } else if (valued.contains(name)) {
                String v = inline;
                if (v == null) {
                    if (i + 1 >= args.size()) {
                        throw new UsageException("--" + name + " needs a value");
                    }
                    v = args.get(++i);
                }
                if (values.put(name, v) != null) {
                    throw new UsageException("--" + name + " given twice");
                }
            } else {
                throw new UsageException("unknown option --" + name + " for " + command);
            }
        }
        return new Options(command, values, flags);
    }

    boolean help() {
        return flags.contains("help");
    }

    boolean flag(String name) {
        return flags.contains(name);
    }

    Optional<String> value(String name) {
        return Optional.ofNullable(values.get(name));
    }

    String required(String name) {
        return value(name).orElseThrow(() -> new UsageException(command + " needs --" + name));
    }
}
