// Create a batch step by step, each step one call of the public API: create, upload the GeoJSON (its analysis is
// shown), validate the run-id template (Run stays disabled until it is valid), tasks on or off, Run or Run at.
import { api, el, say, batchUrl } from './api.js';

const $ = id => document.getElementById(id);
let base = null;
let namePattern = null;

// the name rule is the API's own, read from its OpenAPI description
api('GET', '/openapi.json').then(spec => {
  const schema = spec.paths['/batches'].post.requestBody.content['application/json'].schema;
  namePattern = new RegExp(schema.properties.batch.pattern);
  checkName();
}).catch(() => {});

// the environments to choose from, as the API lists them
api('GET', '/environments').then(envs => $('environment').append(...envs.map(e =>
  el('option', { value: e.name }, e.name + ' (' + e.backend + ')')))).catch(() => {});

function checkName() {
  const msg = [];
  for (const f of ['group', 'batch']) {
    const v = $(f).value;
    const ok = !namePattern || namePattern.test(v);
    $(f).setCustomValidity(ok ? '' : 'not a valid name');
    $(f).setAttribute('aria-invalid', ok ? 'false' : 'true');
    if (!ok) msg.push(f + ' must be 3-128 letters, digits, - or _, starting with a letter or digit');
  }
  $('name-check').textContent = msg.join('; ');
  $('name-check').className = msg.length ? 'error' : 'muted';
  return msg.length === 0;
}
$('group').addEventListener('input', checkName);
$('batch').addEventListener('input', checkName);

$('create-form').addEventListener('submit', async ev => {
  ev.preventDefault();
  if (!checkName()) return;
  const body = { group: $('group').value, batch: $('batch').value };
  if ($('environment').value.trim()) body.environment = $('environment').value.trim();
  try {
    const b = await api('POST', '/batches', body);
    base = batchUrl(b.group, b.batch);
    $('environment').value = b.environment;
    for (const f of ['group', 'batch', 'environment', 'create']) $(f).disabled = true;
    $('upload-step').disabled = false;
    showTasks(b.tasks);
    say('created ' + b.group + '/' + b.batch + ' on ' + b.environment + ' (not started)');
  } catch (e) {
    say(e.message, true);
    if (e.body.field && $(e.body.field)) $(e.body.field).setAttribute('aria-invalid', 'true');
  }
});

$('geojson').addEventListener('change', async () => {
  const file = $('geojson').files[0];
  if (!file) return;
  try {
    const r = await api('PUT', base + '/resource', await file.arrayBuffer(), 'application/geo+json');
    const a = r.analysis || {};
    $('analysis').replaceChildren(...Object.entries(a).flatMap(([k, v]) =>
      [el('dt', {}, k.replaceAll('_', ' ')), el('dd', { 'data-key': k }, typeof v === 'object' ? JSON.stringify(v) : v)]));
    $('template-step').disabled = false;
    say('uploaded ' + file.name + ': ' + a.feature_count + ' features');
  } catch (e) {
    say(e.message, true);
  }
});

$('validate').addEventListener('click', async () => {
  try {
    const v = await api('POST', base + '/template', { template: $('template').value });
    const dupAt = new Map();
    for (const d of v.duplicates || []) for (const i of d.indexes) dupAt.set(i, d);
    const errAt = new Map((v.errors || []).map(e => [e.index, e]));
    $('preview').tBodies[0].replaceChildren(...(v.preview || []).map(r => {
      const d = dupAt.get(r.index);
      const problem = r.error || (d ? 'duplicate of features ' + d.indexes.join(', ') : '');
      return el('tr', { class: errAt.has(r.index) || r.error ? 'err' : d ? 'dup' : null, 'data-index': r.index },
        el('td', {}, r.index), el('td', {}, r.feature_id ?? ''), el('td', {}, r.run_id ?? ''), el('td', {}, problem));
    }));
    const s = v.summary;
    $('template-summary').textContent = (s.is_valid ? 'valid: ' : 'not valid: ') + s.unique_run_ids + ' unique of '
      + s.total_features + ', ' + s.duplicate_run_ids + ' duplicated, ' + s.errors + ' errors';
    $('template-summary').className = s.is_valid ? 'ok' : 'error';
    $('run-step').disabled = !s.is_valid;
    $('run').disabled = !s.is_valid;
    $('run-at-button').disabled = !s.is_valid;
  } catch (e) {
    say(e.message, true);
  }
});

function showTasks(tasks) {
  $('tasks').replaceChildren(...(tasks || []).map(t => el('label', { class: 'check' },
    el('input', { type: 'checkbox', name: 'task', value: t.name, checked: t.enabled }), ' ' + t.name)));
}

async function run(at) {
  try {
    const directives = {};
    for (const c of $('tasks').querySelectorAll('input[name=task]')) directives[c.value] = c.checked;
    if (Object.keys(directives).length) await api('PUT', base + '/tasks', { directives });
    const body = { force_rebuild: $('force-rebuild').checked };
    if (at) body.at = at;
    await api('POST', base + '/start', body);
    location.href = 'batch.html?' + new URLSearchParams({ group: $('group').value, batch: $('batch').value });
  } catch (e) {
    say(e.message, true);
  }
}
$('run').addEventListener('click', () => run(null));
$('run-at-button').addEventListener('click', () => {
  const v = $('run-at').value;
  if (!v) { say('choose when to run', true); return; }
  run(new Date(v).toISOString());
});
checkName();
