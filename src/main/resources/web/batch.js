// One batch: its items in order in Mesmerize's colours, kept live by /api/events (no polling), the selected item's
// params, tasks and log tail, and the batch's buttons, each one call of the public API.
import { api, el, say, bar, batchUrl, COLOURS, STATE_STATUS } from './api.js';

const q = new URLSearchParams(location.search);
const group = q.get('group');
const batch = q.get('batch');
const base = batchUrl(group, batch);
const buttons = new Map(); // job_id -> its button
let view = null;
let selected = null;

function itemButton(i) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = i.job_id;
  b.dataset.job = i.job_id;
  paint(b, i.status, i.colour);
  b.setAttribute('aria-pressed', i.job_id === selected ? 'true' : 'false');
  return b;
}

function paint(b, status, colour) {
  b.className = 'c-' + colour;
  b.dataset.status = status;
  b.title = b.dataset.job + ': ' + status;
}

async function load() {
  const t0 = performance.now();
  view = await api('GET', base);
  document.getElementById('title').textContent = group + ' / ' + batch;
  const frag = document.createDocumentFragment();
  buttons.clear();
  for (const i of view.items) {
    const b = itemButton(i);
    buttons.set(i.job_id, b);
    frag.append(b);
  }
  document.getElementById('items').replaceChildren(frag);
  summary();
  document.getElementById('export').href = '/api' + base + '/export';
  if (selected && !buttons.has(selected)) selected = null;
  window.caravanRenderMs = performance.now() - t0;
  document.body.dataset.loaded = 'true';
}

function summary() {
  const counts = {};
  const statuses = {};
  for (const b of buttons.values()) statuses[b.dataset.status] = (statuses[b.dataset.status] || 0) + 1;
  for (const [state, status] of Object.entries(STATE_STATUS)) counts[state] = statuses[status] || 0;
  counts.queued += statuses.moving || 0;
  const total = buttons.size;
  const ended = counts.completed + counts.failed + counts.aborted;
  let left = '';
  if (view.started_at && ended > 0 && ended < total) {
    const spent = Date.now() - Date.parse(view.started_at);
    left = ' · about ' + Math.round(spent / ended * (total - ended) / 60000) + ' min left';
  }
  document.getElementById('summary').textContent = `${view.environment} · ${total} items · ${ended} ended · `
    + Object.entries(statuses).map(([s, n]) => n + ' ' + s).join(', ')
    + (view.started ? ' · started' : ' · not started') + (view.schedule ? ' · scheduled ' + JSON.stringify(view.schedule) : '') + left;
  document.getElementById('progress').replaceChildren(bar(counts));
}

async function select(jobId) {
  if (selected && buttons.get(selected)) buttons.get(selected).setAttribute('aria-pressed', 'false');
  selected = jobId;
  buttons.get(jobId)?.setAttribute('aria-pressed', 'true');
  const detail = document.getElementById('detail');
  try {
    const [item, out, err] = await Promise.all([api('GET', base + '/items/' + encodeURIComponent(jobId)),
      api('GET', base + '/items/' + encodeURIComponent(jobId) + '/log?stream=stdout&tail=40').catch(() => ''),
      api('GET', base + '/items/' + encodeURIComponent(jobId) + '/log?stream=stderr&tail=40').catch(() => '')]);
    const tasks = item.run_metadata && item.run_metadata.tasks ? item.run_metadata.tasks : {};
    detail.replaceChildren(
      el('p', {}, el('strong', {}, jobId), ' ', el('span', { class: 'c-' + item.colour, id: 'detail-status' }, item.status)),
      el('h4', {}, 'Params'), el('pre', {}, JSON.stringify(item.params || {}, null, 2)),
      el('h4', {}, 'Tasks'), el('table', {}, el('tbody', {}, Object.entries(tasks).map(([n, t]) =>
        el('tr', {}, el('td', {}, n), el('td', {}, t.status || ''))))),
      el('h4', {}, 'stdout'), el('pre', { id: 'stdout' }, typeof out === 'string' ? out : JSON.stringify(out)),
      el('h4', {}, 'stderr'), el('pre', { id: 'stderr' }, typeof err === 'string' ? err : JSON.stringify(err)));
  } catch (e) {
    detail.replaceChildren(el('p', { class: 'error' }, e.message));
  }
}

function onJob(ev) {
  const e = JSON.parse(ev.data);
  if (e.group !== group || e.batch !== batch) return;
  const b = buttons.get(e.job_id);
  if (!b) { if (!e.deleted) load().catch(x => say(x.message, true)); return; }
  if (e.deleted) {
    b.remove();
    buttons.delete(e.job_id);
  } else {
    const status = STATE_STATUS[e.state] || e.state;
    paint(b, status, COLOURS[status] || 'grey');
  }
  summary();
  // how late after its commit the change shows (the figure in README "Dashboard")
  requestAnimationFrame(() => (window.caravanLags ||= []).push(Date.now() - Date.parse(e.committed_at)));
  if (e.job_id === selected) select(selected);
}

function onBatch(ev) {
  const e = JSON.parse(ev.data);
  if (e.group === group && e.batch === batch) load().catch(x => say(x.message, true));
}

async function act(label, call) {
  try {
    const r = await call();
    say(label + ': ' + JSON.stringify(r));
  } catch (e) {
    say(label + ' refused: ' + e.message, true);
  }
}

function needSelected() {
  if (!selected) throw new Error('select an item first');
  return selected;
}

document.getElementById('items').addEventListener('click', ev => {
  const b = ev.target.closest('button[data-job]');
  if (b) select(b.dataset.job);
});
document.getElementById('start').onclick = () => act('Start', () => api('POST', base + '/start', {}));
document.getElementById('force').onclick = () => act('Force rebuild', () => api('POST', base + '/start', { force_rebuild: true }));
document.getElementById('start-selected').onclick = () => act('Start at selected',
  async () => api('POST', base + '/start', { from_item: needSelected() }));
document.getElementById('start-at').onclick = () => act('Start at time', async () => {
  const v = document.getElementById('at').value;
  if (!v) throw new Error('choose a start time');
  return api('POST', base + '/start', { at: new Date(v).toISOString() });
});
document.getElementById('abort-item').onclick = () => act('Abort item',
  async () => api('POST', base + '/items/' + encodeURIComponent(needSelected()) + '/abort'));
document.getElementById('abort-batch').onclick = () => act('Abort batch', () => api('POST', base + '/abort'));
document.getElementById('retry').onclick = () => act('Retry failed', () => api('POST', base + '/retry'));
document.getElementById('delete-item').onclick = () => act('Delete selected', async () => {
  const id = needSelected();
  if (!confirm('Delete item ' + id + '? Its work folder, outputs and logs are removed from disk; this cannot be undone.')) {
    return 'kept';
  }
  return api('DELETE', base + '/items/' + encodeURIComponent(id));
});

if (!group || !batch) {
  say('no batch named: open a batch from the overview', true);
} else {
  const events = new EventSource('/api/events');
  events.addEventListener('job', onJob);
  events.addEventListener('batch', onBatch);
  load().catch(e => say(e.message, true));
}
