package dev.caravan.batches.export;

import dev.caravan.batches.BatchInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What an item asks of Slurm: partition, time limit, CPUs per task, memory. Any may be null (Slurm's
 * default). Values are checked against Slurm's forms, so nothing else can reach an {@code #SBATCH} line;
 * errors name {@code resources.<key>}.
 */
public record SlurmResources(String partition, String time, Integer cpus, String memory) {

    private static final Pattern PARTITION = Pattern.compile("[A-Za-z0-9_.-]+(,[A-Za-z0-9_.-]+)*");
    private static final Pattern TIME = Pattern.compile("UNLIMITED|INFINITE|\\d+|\\d+:\\d{1,2}(:\\d{1,2})?"
            + "|\\d+-\\d{1,2}(:\\d{1,2}(:\\d{1,2})?)?");
    private static final Pattern MEMORY = Pattern.compile("\\d+[KMGT]?");

    public static final SlurmResources NONE = new SlurmResources(null, null, null, null);

    public SlurmResources {
        check("partition", partition, PARTITION, "a partition name (letters, digits, '_', '.', '-'; several"
                + " separated by commas)");
        check("time", time, TIME, "a Slurm time limit: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS");
        check("memory", memory, MEMORY, "a Slurm memory size: a number of megabytes, or with K, M, G or T");
        if (cpus != null && (cpus < 1 || cpus > 100_000)) {
            throw BatchInputException.field("resources.cpus", "resources.cpus " + cpus
                    + " must be between 1 and 100000");
        }
    }

    private static void check(String key, String value, Pattern form, String what) {
        if (value != null && !form.matcher(value).matches()) {
            throw BatchInputException.field("resources." + key, "resources." + key + " '" + value.replaceAll(
                    "\\p{Cntrl}", "?") + "' is not " + what);
        }
    }

    /** These resources, with each absent one taken from the fallback (an item's over its batch's). */
    public SlurmResources orElse(SlurmResources fallback) {
        if (fallback == null) {
            return this;
        }
        return new SlurmResources(partition != null ? partition : fallback.partition,
                time != null ? time : fallback.time, cpus != null ? cpus : fallback.cpus,
                memory != null ? memory : fallback.memory);
    }

    /** The #SBATCH lines for these resources. */
    List<String> sbatchLines() {
        List<String> out = new ArrayList<>();
        if (partition != null) {
            out.add("#SBATCH --partition=" + partition);
        }
        if (time != null) {
            out.add("#SBATCH --time=" + time);
        }
        if (cpus != null) {
            out.add("#SBATCH --cpus-per-task=" + cpus);
        }
        if (memory != null) {
            out.add("#SBATCH --mem=" + memory);
        }
        return out;
    }
}
