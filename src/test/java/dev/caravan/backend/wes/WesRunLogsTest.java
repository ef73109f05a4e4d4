package dev.caravan.backend.wes;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Where a GA4GH run log may report the Nextflow session, and run logs of any shape. */
class WesRunLogsTest {

    private static final String S = "0530c8b6-226e-48fe-a75b-11b9a47a26db";

    private static RunInfo read(String json) throws Exception {
        JsonNode n = Texts.JSON.readTree(json);
        return RunLogs.ga4gh("run-1", n);
    }

    @Test
    void theSessionIsFoundInOutputsOrLogLines() throws Exception {
        assertThat(read("{\"outputs\": {\"session_id\": \"" + S + "\"}}").sessionId()).contains(S);
        assertThat(read("{\"outputs\": {\"sessionId\": \"" + S.toUpperCase() + "\"}}").sessionId()).contains(S);
        for (String line : new String[]{"Session ID: " + S, "session_id=" + S, "Session UUID " + S,
                "Mar-21 10:00:01 [main] INFO nextflow.Session - Session UUID: " + S}) {
            assertThat(read("{\"run_log\": {\"system_logs\": [\"starting\", \"" + line + "\"]}}").sessionId())
                    .as(line).contains(S);
        }
        assertThat(read("{\"task_logs\": [null, {\"system_logs\": [\"session-id: " + S + "\"]}]}").sessionId()).contains(S);
        assertThat(read("{\"run_log\": {\"system_logs\": [\"run name " + S + "\"]}}").sessionId()).isEmpty();
    }

    @Test
    void aResumedRunRemembersTheSessionItResumedAndItsDirectories() throws Exception {
        RunInfo i = read("{\"state\": \"SYSTEM_ERROR\", \"request\": {\"workflow_engine_parameters\":"
                + " \"{\\\"resume\\\": \\\"" + S + "\\\", \\\"work_dir\\\": \\\"/nfs-1/work/x\\\"}\"}}");
        assertThat(i.sessionId()).isEmpty();
        assertThat(i.resumableSession()).contains(S);
        assertThat(i.dirs().work()).isEqualTo("/nfs-1/work/x");
        assertThat(i.dirs().launch()).isNull();
        assertThat(i.failed()).isTrue();
    }

    @Test
    void anyShapeOfRunLogIsRead() throws Exception {
        for (String json : new String[]{"{}", "{\"run_log\": null}", "{\"run_log\": \"text\"}",
                "{\"run_log\": {\"system_logs\": \"one line\"}}", "{\"run_log\": {\"system_logs\": [1, null, {}]}}",
                "{\"request\": [], \"outputs\": 3, \"task_logs\": {}}", "{\"state\": {\"x\": 1}}"}) {
            RunInfo i = read(json);
            assertThat(i.sessionId()).as(json).isEmpty();
            assertThat(i.dirs().isEmpty()).as(json).isTrue();
            assertThat(RunInfo.status(i.state(), i.errorText())).as(json).isNotNull();
        }
    }
}
