/**
 * The core of batches people drive (issue 12): WEPPcloud's GeoJSON batches and run-id templates,
 * Mesmerize's batch manager. Plain Java, no Camel, no engine: every call takes values and returns values,
 * and bad input is a {@link dev.caravan.batches.BatchInputException} that names the field, the index,
 * the line and the column ({@link dev.caravan.batches.UploadTooLargeException} for HTTP 413).
 *
 * <ul>
 *   <li>{@link dev.caravan.batches.BatchNames}: group and batch names, WEPPcloud's rule and the reserved
 *   folder names; the item-id rule for run ids.</li>
 *   <li>{@code geojson}: {@link dev.caravan.batches.geojson.GeoJsonReader} (size limit while reading,
 *   FeatureCollection checks, WEPPcloud's checksum: sha256 of Python's {@code json.dumps(data,
 *   sort_keys=True)}) and {@link dev.caravan.batches.geojson.GeoJsonAnalyzer}.</li>
 *   <li>{@code rows}: a batch made from CSV, JSON-array or JSON-lines rows, read by {@code import}'s reader
 *   ({@code intake.InputRows}): {@link dev.caravan.batches.rows.UploadFormat} (which format an upload is in),
 *   {@link dev.caravan.batches.rows.RowsReader} and {@link dev.caravan.batches.rows.RowsAnalysis}. In a run-id
 *   template over rows, {@code properties} and {@code feature} are both the row.</li>
 *   <li>{@code template}: {@link dev.caravan.batches.template.RunIdTemplate} (WEPPcloud's template rules
 *   over a hand-written parser and evaluator of a Python expression subset) and
 *   {@link dev.caravan.batches.template.RunIdValidator} (every feature, WEPPcloud's answer).</li>
 *   <li>{@code python}: Python's value semantics the templates need: str()/repr(), format() specs,
 *   arithmetic, comparisons, subscripts, and {@code json.dumps}.</li>
 *   <li>{@link dev.caravan.batches.TaskList} and {@link dev.caravan.batches.Directives}: a batch's tasks
 *   and their on/off switches.</li>
 *   <li>{@code runner}: {@link dev.caravan.batches.runner.ItemScript}, the one bash script that runs an
 *   item, whichever backend runs it.</li>
 *   <li>{@code export}: {@link dev.caravan.batches.export.ClusterExport}, the tar.gz for a Slurm cluster.</li>
 * </ul>
 *
 * <h2>Run-id templates</h2>
 * Literal text, {@code {{}} and {@code }}} for braces, {@code {expr}} (Python's str()) and
 * {@code {expr:spec}} (Python's format(), the whole mini-language). Names: {@code properties},
 * {@code feature}, {@code index}, {@code one_based_index}. Functions: {@code slug(v, sep='-')} (also
 * {@code separator=}), {@code lower}, {@code upper}, {@code title}, {@code zfill(v, n)},
 * {@code replace(v, old, new)}, each turning a falsy value into "". Expressions: literals (numbers,
 * strings with every prefix but b and f, True/False/None, lists, tuples, dicts, sets), subscripts and
 * slices, {@code + - * / // % **}, comparisons (chained, {@code in}, {@code not in}), {@code and},
 * {@code or}, {@code not}, {@code x if c else y}. Refused with WEPPcloud's words: attribute access, other
 * functions, calls of anything but a name, unknown names, lambda, comprehensions, {@code is}, bit
 * operators. Where Caravan differs from WEPPcloud: its validator refuses every operator (it visits the
 * operator nodes, {@code ast.Add} included, and finds them not allowed), Caravan evaluates them as the
 * issue asks; a template that cannot compile is one error for the template, not one per feature; f-strings
 * and printf-style {@code %} formatting are refused; {@code slug(v, separator='')} joins where Python's
 * regex fails; set literals print in the order written.
 *
 * <p>Limits ({@link dev.caravan.batches.python.Limits}): 4,096 characters per template, 64 nested levels,
 * integers of 4,096 bits, strings and lists of 100,000 characters or items, format widths of 10,000,
 * 1,000,000 steps per feature and 50,000,000 per validation.
 *
 * <h2>Item runner</h2>
 * {@code run_metadata.json} in the work folder: {@code job_id}, {@code status}
 * (running, moving, completed, failed, aborted), {@code started}, {@code completed}, {@code duration_s},
 * {@code force_rebuild}, {@code error} ({@code {type, message}}: TaskFailed, Aborted, ResetFailed,
 * WorkFolder, ScratchFailed, BaseCopyFailed, FilesFailed, MoveFailed), {@code warnings}, and
 * {@code tasks} ({@code {status, started, completed, duration_s, exit_code}}, status running, completed,
 * failed or interrupted). The exit status is 0 when every task succeeded, the task's own status when one
 * failed, 1 when the runner could not set the item up, 128 + n when stopped by signal n.
 */
package dev.caravan.batches;
