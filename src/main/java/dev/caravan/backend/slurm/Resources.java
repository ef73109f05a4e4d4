package dev.caravan.backend.slurm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * What a job asks Slurm for: the environment's defaults ({@code caravan.env.<name>.partition}, ...) overridden field by
 * field by the job's own ({@code "slurm": {"partition": ..., "time": ...}} in params.json). Every value is checked
 * against Slurm's own syntax before it reaches {@code sbatch}, so a typo is named with its field rather than left to
 * sbatch's terser refusal; values go to sbatch as separate arguments, never through a shell.
 */
record Resources(Optional<String> partition, Optional<String> account, Optional<String> qos, Optional<String> time,
                 Optional<String> cpus, Optional<String> mem, Optional<String> gres, List<String> options) {

    static final String PARTITION = "partition";
    static final String ACCOUNT = "account";
    static final String QOS = "qos";
    static final String TIME = "time";
    static final String CPUS = "cpus";
    static final String MEM = "mem";
    static final String GRES = "gres";
    static final String OPTIONS = "sbatch-options";
    static final List<String> FIELDS = List.of(PARTITION, ACCOUNT, QOS, TIME, CPUS, MEM, GRES, OPTIONS);

    static final Resources NONE = new Resources(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty(), List.of());

    private static final Pattern NAMES = Pattern.compile("[A-Za-z0-9_.-]+(,[A-Za-z0-9_.-]+)*");
    /** minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS (sbatch --time), or no limit. */
    private static final Pattern TIME_VALUE = Pattern.compile(
            "(?i)unlimited|infinite|\\d+(:\\d{1,2}){0,2}|\\d+-\\d{1,2}(:\\d{1,2}){0,2}");
    private static final Pattern MEM_VALUE = Pattern.compile("\\d+[KMGT]?", Pattern.CASE_INSENSITIVE);
    private static final Pattern GRES_VALUE = Pattern.compile("[A-Za-z0-9_.:/-]+(,[A-Za-z0-9_.:/-]+)*");
    private static final int MAX_CPUS = 1_000_000;

    /** Options Caravan sets itself: a second value would break how runs are named, found and followed. */
    private static final Set<String> OWNED = Set.of("--parsable", "-J", "--job-name", "-D", "--chdir", "-o", "--output",
            "-e", "--error", "--comment", "-d", "--dependency", "--export", "--wrap", "-W", "--wait", "-a", "--array",
            "--kill-on-invalid-dep", "-H", "--hold", "-p", "--partition", "-A", "--account", "-q", "--qos", "-t", "--time",
            "-c", "--cpus-per-task", "--mem", "--gres", "-i", "--input", "--export-file", "--test-only");

    Resources {
        options = List.copyOf(options);
    }

    /**
     * Reads one set of fields. {@code bad} makes the exception for a field and its problem, so the same rules give a
     * settings error naming the key and a job error naming params.json's field.
     */
    static <E extends Exception> Resources read(Map<String, ?> fields, BiFunction<String, String, E> bad) throws E {
        for (String k : fields.keySet()) {
            if (!FIELDS.contains(k)) {
                throw bad.apply(k, "unknown field (known: " + String.join(", ", FIELDS) + ")");
            }
        }
        return new Resources(
                checked(fields, PARTITION, NAMES, "partition names (letters, digits, '_', '.', '-'; commas between)", bad),
                checked(fields, ACCOUNT, NAMES, "an account name (letters, digits, '_', '.', '-')", bad),
                checked(fields, QOS, NAMES, "a QOS name (letters, digits, '_', '.', '-'; commas between)", bad),
                checked(fields, TIME, TIME_VALUE, "a time limit as sbatch takes it: minutes, MM:SS, HH:MM:SS,"
                        + " D-HH, D-HH:MM, D-HH:MM:SS or UNLIMITED", bad),
                cpus(fields, bad),
                checked(fields, MEM, MEM_VALUE, "a memory size as sbatch takes it: a number with K, M, G or T", bad),
                checked(fields, GRES, GRES_VALUE, "generic resources as sbatch takes them (gpu:2, gpu:a100:1)", bad),
                options(fields.get(OPTIONS), bad));
    }

    /** This job's fields where it has them, the environment's elsewhere; extra options add up. */
    Resources over(Resources defaults) {
        List<String> all = new ArrayList<>(defaults.options);
        all.addAll(options);
        return new Resources(partition.or(defaults::partition), account.or(defaults::account), qos.or(defaults::qos),
                time.or(defaults::time), cpus.or(defaults::cpus), mem.or(defaults::mem), gres.or(defaults::gres), all);
    }

    /** The sbatch arguments, one option per argument. */
    List<String> args() {
        List<String> out = new ArrayList<>();
        partition.ifPresent(v -> out.add("--partition=" + v));
        account.ifPresent(v -> out.add("--account=" + v));
        qos.ifPresent(v -> out.add("--qos=" + v));
        time.ifPresent(v -> out.add("--time=" + v));
        cpus.ifPresent(v -> out.add("--cpus-per-task=" + v));
        mem.ifPresent(v -> out.add("--mem=" + v));
        gres.ifPresent(v -> out.add("--gres=" + v));
        out.addAll(options);
        return out;
    }

    private static <E extends Exception> Optional<String> checked(Map<String, ?> fields, String field, Pattern syntax,
                                                                  String expected, BiFunction<String, String, E> bad)
            throws E {
        Optional<String> value = text(fields.get(field));
        if (value.isPresent() && !syntax.matcher(value.get()).matches()) {
            throw bad.apply(field, "'" + value.get() + "' is not " + expected);
        }
        return value;
    }

    private static <E extends Exception> Optional<String> cpus(Map<String, ?> fields, BiFunction<String, String, E> bad)
            throws E {
        Optional<String> value = text(fields.get(CPUS));
        if (value.isEmpty()) {
            return value;
        }
        try {
            int n = Integer.parseInt(value.get());
            if (n >= 1 && n <= MAX_CPUS) {
                return Optional.of(Integer.toString(n));
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw bad.apply(CPUS, "'" + value.get() + "' is not a whole number of CPUs per task (1 or more)");
    }

    /** A string of words (settings) or a JSON list of strings (params); every option is one word starting with '-'. */
    private static <E extends Exception> List<String> options(Object value, BiFunction<String, String, E> bad) throws E {
        List<String> words = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (Object o : list) {
                words.add(String.valueOf(o).strip());
            }
        } else {
            text(value).ifPresent(v -> words.addAll(List.of(v.split("\\s+"))));
        }
        for (String w : words) {
            if (!w.startsWith("-") || w.length() < 2) {
                throw bad.apply(OPTIONS, "'" + w + "' is not an option: write each as --name or --name=value");
            }
            String name = optionName(w);
            if (isOwned(name)) {
                throw bad.apply(OPTIONS, "'" + name + "' is set by Caravan itself"
                        + " (partition, account, qos, time, cpus, mem and gres have fields of their own)");
            }
        }
        return words;
    }

    /** {@code --name} of {@code --name=value}; {@code -p} of {@code -pdebug} (short options take values attached). */
    private static String optionName(String word) {
        if (word.startsWith("--")) {
            int eq = word.indexOf('=');
            return eq < 0 ? word : word.substring(0, eq);
        }
        return word.substring(0, 2);
    }

    /** sbatch (getopt_long) takes any unambiguous prefix of a long option: {@code --dep} is {@code --dependency}. */
    private static boolean isOwned(String name) {
        if (OWNED.contains(name)) {
            return true;
        }
        return name.startsWith("--") && name.length() > 2
                && OWNED.stream().anyMatch(o -> o.startsWith("--") && o.startsWith(name));
    }

    private static Optional<String> text(Object value) {
        if (value == null) {
            return Optional.empty();
        }
        String s = value.toString().strip();
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }
}
