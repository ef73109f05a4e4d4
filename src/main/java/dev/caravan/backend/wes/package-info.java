/**
 * The {@code wes} backend: GA4GH WES 1.1.0 ({@code wes-dialect=ga4gh}) and ICGC-ARGO RDPC ({@code wes-dialect=argo}).
 * Settings are listed on {@link dev.caravan.backend.wes.WesBackendFactory}.
 *
 * <h2>Wire formats</h2>
 * <ul>
 *   <li>ga4gh: {@code POST <url>/runs} multipart/form-data; {@code workflow_params}, {@code tags} and
 *   {@code workflow_engine_parameters} are JSON text, {@code workflow_type}, {@code workflow_type_version},
 *   {@code workflow_url} plain. Engine parameters (all strings): {@code launch_dir}, {@code project_dir},
 *   {@code work_dir}, {@code revision}, {@code offline}, {@code resume}. State: {@code GET /runs/{id}/status}, one
 *   per run per poll; {@code GET /runs/{id}} only for a failed run (its error text) and for the previous run of a
 *   resubmitted job (session and directories). Page tokens are opaque strings; the list ends at an empty or absent
 *   {@code next_page_token}.</li>
 *   <li>argo: {@code POST <url>/runs} with a JSON body {@code {workflow_url, workflow_params, workflow_engine_params:
 *   {launch_dir, project_dir, work_dir, revision, offline, resume}, tags}} (snake_case, as RDPC's {@code RunRequest}
 *   reads it; it ignores keys it does not know, {@code offline} among them). State: the RDPC GraphQL API, one request
 *   per poll batch of up to 100 runs (aliased {@code runs(filter: {runId}) { content { ... } }} fields, see
 *   {@link dev.caravan.backend.wes.ArgoGraphql}). Page tokens are integers.</li>
 *   <li>Both: tags {@code caravan_job} (group/batch/job), {@code caravan_token} (the attempt token),
 *   {@code caravan_attempt}; {@code POST /runs/{id}/cancel}; {@code GET /service-info} for health.</li>
 * </ul>
 *
 * <h2>States</h2>
 * {@code COMPLETE} → completed; {@code EXECUTOR_ERROR}, {@code SYSTEM_ERROR}, {@code CANCELED}, {@code PREEMPTED} →
 * failed (with the run's error text, cleaned, at most 400 characters, secrets masked); anything else, including
 * unrecognised or missing states, → in flight; a run the server does not know (404, empty GraphQL answer) → unknown.
 *
 * <h2>Resume</h2>
 * A job resubmitted after a failed run on the same environment resumes that run's Nextflow session ({@code resume})
 * in its very launch/project/work directories. The session is the one the run reported (argo: GraphQL
 * {@code sessionId}; ga4gh: {@code outputs.session_id} or a {@code Session ID: <uuid>} line in
 * {@code run_log.system_logs} / task {@code system_logs}), else the session the run was itself launched to resume. A
 * run with neither (it never launched), a completed or unknown run, or a run on another environment: a fresh start in
 * new directories. Runs are never resumed by name.
 *
 * <h2>Failures</h2>
 * Every request has {@code timeout}; 5xx, 429, timeouts and connection errors are retried {@code retries} times with
 * jittered exponential backoff (0.5 s, 1 s, 2 s, ... capped at 20 s), and never sooner than the server's
 * {@code Retry-After} (seconds or a date, within the same cap). When a {@code POST /runs} may have reached the
 * server (timeout, dropped connection, 5xx), the run is looked up by its {@code caravan_token} tag before sending
 * again, so a lost answer never makes a second run. Other 4xx answers to a submission fail it, naming the job. The
 * OAuth2 token (client credentials in the form body) is fetched lazily, once for concurrent callers, cached until 30 s
 * (at most a tenth of its life) before {@code expires_in}, and renewed once on a 401. Kinds
 * ({@link dev.caravan.backend.BackendException.Kind}): any token failure, a 401 with a fresh token and a 403 are
 * CRITICAL; another 4xx is BAD_INPUT; what is still failing after the retries, or an answer that cannot be read, is
 * RETRYABLE.
 *
 * <h2>Secrets</h2>
 * The client secret, the api token and every access token are registered with {@link dev.caravan.secrets.Redactor};
 * server text put into messages is cleaned and masked; request bodies are never logged; the api token lives in the
 * submitted request only. Camel Main's start-up "Property-placeholders summary" logs resolved {@code caravan.*}
 * values and on its own masks {@code client-secret} but not {@code api-token}; the daemon adds both (and the other
 * secret keys) to {@code camel.main.additional-sensitive-keywords} ({@code cli.Daemon.SENSITIVE}).
 */
package dev.caravan.backend.wes;
