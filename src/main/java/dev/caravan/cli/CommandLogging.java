package dev.caravan.cli;

import java.util.List;

/**
 * Where a process's log goes, decided from its command line before anything logs: the daemon ({@code run}) logs to
 * stdout at INFO (log4j2.xml); a command that answers and exits logs to stderr at WARN, or INFO with
 * {@code --verbose} (log4j2-command.xml), so that its stdout is its answer alone.
 */
final class CommandLogging {

    static final String VERBOSE = "--verbose";

    private CommandLogging() {
    }

    static void configure(String[] argv) {
        List<String> args = List.of(argv);
        String command = args.stream().filter(a -> !a.startsWith("-")).findFirst().orElse("run");
        if (command.equals("run") || System.getProperty("log4j2.configurationFile") != null) {
            return;
        }
        System.setProperty("dev.caravan.log-level", args.contains(VERBOSE) ? "INFO" : "WARN");
        System.setProperty("log4j2.configurationFile", "log4j2-command.xml");
    }
}
