package dev.caravan.backend.wes;

import dev.caravan.model.RunStatus;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the backend learns of one run, from either dialect: its WES state, the Nextflow session it reported (or the one
 * it was launched to resume), the directories it ran in, and its error text.
 *
 * @param sessionId the Nextflow session id the engine reported; empty when the run never launched
 * @param resumed   the session id the run was submitted to resume ({@code resume} engine parameter), if any
 */
record RunInfo(String runId, String state, Optional<String> sessionId, Optional<String> resumed, Dirs dirs,
               String errorText) {

    /** Failed for good: the job moves to {@code failed}. */
    static final Set<String> FAILED = Set.of("EXECUTOR_ERROR", "SYSTEM_ERROR", "CANCELED", "PREEMPTED");
    /** Every state of WES 1.1.0 that is neither completed nor failed; anything unrecognised counts as in flight too. */
    static final Set<String> IN_FLIGHT = Set.of("UNKNOWN", "QUEUED", "INITIALIZING", "RUNNING", "PAUSED", "CANCELING");
    static final String COMPLETE = "COMPLETE";

    /**
     * The directories a run used, as the engine parameters it was submitted with; a missing one is null. Names in
     * Caravan's words: both dialects take them in snake_case ({@code launch_dir}); RDPC's GraphQL shows them in
     * camelCase ({@code launchDir}).
     */
    record Dirs(String launch, String project, String work) {

        static final Dirs NONE = new Dirs(null, null, null);

        boolean isEmpty() {
            return launch == null && project == null && work == null;
        }

        /**
         * {@code launch_dir}, {@code project_dir}, {@code work_dir}, set ones only. Both dialects spell them so: WES
         * 1.1.0, and RDPC, whose run request is snake_case ({@code @JsonNaming(SnakeCaseStrategy)} with
         * {@code ignoreUnknown} in workflow-api's {@code RunRequest}): a camelCase {@code launchDir} would be dropped
         * without a word and the run started in the server's default directories.
         */
        Map<String, String> asParams() {
            Map<String, String> m = new LinkedHashMap<>();
            put(m, "launch_dir", launch);
            put(m, "project_dir", project);
            put(m, "work_dir", work);
            return m;
        }

        private static void put(Map<String, String> m, String k, String v) {
            if (v != null && !v.isBlank()) {
                m.put(k, v);
            }
        }

        @Override
        public String toString() {
            return isEmpty() ? "the server's default directories"
                    : "launch " + launch + ", project " + project + ", work " + work;
        }
    }

    /** The session to resume from: the reported one, else the one this run itself resumed (it kept that session). */
    Optional<String> resumableSession() {
        return sessionId.or(() -> resumed);
    }

    boolean failed() {
        return FAILED.contains(normal(state));
    }

    /** WES states onto Caravan's: COMPLETE, the four failures, everything else in flight. Never throws. */
    static RunStatus status(String state, String errorText) {
        String s = normal(state);
        if (s.equals(COMPLETE)) {
            return RunStatus.completed(COMPLETE);
        }
        if (FAILED.contains(s)) {
            String text = errorText == null ? "" : errorText;
            return RunStatus.failed(text.isEmpty() ? s : s + ": " + text);
        }
        if (s.isEmpty()) {
            return RunStatus.inFlight("no state reported yet");
        }
        if (!IN_FLIGHT.contains(s)) {
            return RunStatus.inFlight("unrecognised state '" + Texts.clean(state, 40) + "', taken as in flight");
        }
        return RunStatus.inFlight(s);
    }

    static String normal(String state) {
        return state == null ? "" : state.trim().toUpperCase(Locale.ROOT);
    }
}
