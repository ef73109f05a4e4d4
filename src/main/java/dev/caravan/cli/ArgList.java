package dev.caravan.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Positional arguments and {@code --options} of commands that take both (project, queue, dashboard). */
record ArgList(List<String> positional, Options options) {

    static ArgList parse(String command, List<String> args, Set<String> valued, Set<String> flagNames) {
        List<String> pos = new ArrayList<>();
        Options o = Options.parse(command, args, valued, flagNames, pos);
        return new ArgList(List.copyOf(pos), o);
    }
}
