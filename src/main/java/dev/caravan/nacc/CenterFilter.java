package dev.caravan.nacc;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which centers of the map take part: the gear's {@code include_centers} or its {@code exclude_centers} and
 * {@code exclude_studies} (comma lists, trimmed, lower-cased; the two kinds exclude each other), and never an
 * inactive center. Study suffixes match the end of the group id ({@code -fw} leaves out {@code adrc-fw}).
 *
 * <p>The gear scheduled inactive centers as well; Caravan skips them and says so in the plan.
 */
public final class CenterFilter {

    /** What the filter kept and what it left out, with the include entries that name no center. */
    public record Result(List<Center> selected, List<Skip> skipped, List<String> unknownIncluded) {
    }

    private CenterFilter() {
    }

    /** @throws IllegalArgumentException when include_centers is given with either exclude list */
    static void checkExclusive(List<String> include, List<String> excludeCenters, List<String> excludeStudies) {
        if (!include.isEmpty() && (!excludeCenters.isEmpty() || !excludeStudies.isEmpty())) {
            throw new IllegalArgumentException("include_centers (" + String.join(",", include) + ") cannot be combined with "
                    + (!excludeCenters.isEmpty() ? "exclude_centers (" + String.join(",", excludeCenters) + ")" : "")
                    + (!excludeCenters.isEmpty() && !excludeStudies.isEmpty() ? " or " : "")
                    + (!excludeStudies.isEmpty() ? "exclude_studies (" + String.join(",", excludeStudies) + ")" : "")
                    + ": name the centers to run, or the ones to leave out, not both");
        }
    }

    /** @param include, excludeCenters, excludeStudies lower-cased lists (see {@link NaccSettings#list}) */
    public static Result select(List<Center> centers, List<String> include, List<String> excludeCenters,
                                List<String> excludeStudies) {
        checkExclusive(include, excludeCenters, excludeStudies);
        Set<String> inc = new LinkedHashSet<>(include);
        Set<String> exc = Set.copyOf(excludeCenters);
        List<Center> selected = new ArrayList<>();
        List<Skip> skipped = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Center c : centers) {
            String g = c.group().toLowerCase(Locale.ROOT);
            seen.add(g);
            Optional<Skip> skip = Optional.empty();
            if (!inc.isEmpty() && !inc.contains(g)) {
                skip = Optional.of(new Skip(c.group(), Skip.Reason.NOT_INCLUDED, ""));
            } else if (exc.contains(g)) {
                skip = Optional.of(new Skip(c.group(), Skip.Reason.EXCLUDED, ""));
            } else if (!c.active()) {
                skip = Optional.of(new Skip(c.group(), Skip.Reason.INACTIVE, ""));
            } else {
                for (String s : excludeStudies) {
                    if (g.endsWith(s)) {
                        skip = Optional.of(new Skip(c.group(), Skip.Reason.EXCLUDED_STUDY, s));
                        break;
                    }
                }
            }
            skip.ifPresentOrElse(skipped::add, () -> selected.add(c));
        }
        List<String> unknown = inc.stream().filter(i -> !seen.contains(i)).toList();
        return new Result(selected, skipped, unknown);
    }
}
