package dev.caravan.camel;

/**
 * How this JVM starts processes (the local backend's run wrappers and kills): {@code vfork}, not the JDK's default on
 * Linux since JDK 12, {@code posix_spawn} of the {@code jspawnhelper} program, which execs the command in turn.
 * {@code start()} waits for both execs; on a busy 2-core machine (load 15) that took a median of 48 to 64 ms per
 * start against 4 ms with vfork, and the local backend starts each run inside a cycle, so a freed slot waited for it.
 *
 * <p>Why it is safe: vfork was the JDK's Linux default through JDK 11 and is still supported on 17 to 21. The child
 * runs the JDK's own pre-exec code (close descriptors, chdir, dup2, execve), written for a child that shares the
 * parent's memory; the parent thread waits only until the exec, and the other threads go on. Nothing of Caravan's
 * depends on how a process is started: the submit intent and the launch file are written before, the wrapper's files
 * after. glibc's posix_spawn itself clones with CLONE_VFORK; what the default adds is the helper's exec. Newer JDKs
 * deprecate the mode, so it is chosen on 17 to 21 only, on Linux, and never over an operator's own
 * {@code -Djdk.lang.Process.launchMechanism}.
 */
final class ProcessLaunch {

    static final String KEY = "jdk.lang.Process.launchMechanism";

    private ProcessLaunch() {
    }

    /**
     * Before the first process of this JVM (the JDK reads the key once, when it first starts one); a JVM that started
     * one already keeps its mechanism.
     */
    static void preferVfork() {
        int feature = Runtime.version().feature();
        if (System.getProperty(KEY) == null && feature >= 17 && feature <= 21
                && System.getProperty("os.name", "").equals("Linux")) {
            System.setProperty(KEY, "VFORK");
        }
    }
}
