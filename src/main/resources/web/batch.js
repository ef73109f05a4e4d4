// One batch: its items in order in Mesmerize's colours, kept live by /api/events (no polling), the selected item's
// params, tasks and log tail, and the batch's buttons, each one call of the public API.
import { api, el, say, bar, batchUrl, COLOURS, STATE_STATUS } from './api.js';

const q = new URLSearchParams(location.search);
const group = q.get('group');
const batch = q.get('batch');
const base = batchUrl(group, batch);
const buttons = new Map(); // job_id -> its button
let view = null;
let models = []; // every item as the API and the events say, drawn or not yet
let selected = null;

function itemButton(i) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = i.job_id;
  b.dataset.job = i.job_id;
  paint(b, i.status, i.colour);
  b.setAttribute('aria-pressed', i.job_id === selected ? 'true' : 'false');
  // one item in the tab order (the selected one, else the first): arrows move between them, Tab leaves the list
  b.tabIndex = i.job_id === selected || (!selected && buttons.size === 0) ? 0 : -1;
  return b;
}

function paint(b, status, colour) {
  b.className = 'c-' + colour;
  b.dataset.status = status;
  b.title = b.dataset.job + ': ' + status;
}

const FIRST = 300;  // what a screen shows at once, drawn before anything else
const CHUNK = 1000;
let drawing = 0;

async function load() {
  const t0 = performance.now();
  view = await api('GET', base);
  const t1 = performance.now();
  document.getElementById('title').textContent = group + ' / ' + batch;
  const box = document.getElementById('items');
  const run = ++drawing;
  // a redraw keeps the keyboard where it was: the item that had the focus gets it back once drawn
  let focused = box.contains(document.activeElement) ? document.activeElement.dataset.job : null;
  buttons.clear();
  box.replaceChildren();
  models = view.items;
  // the first screenful at once, the rest in chunks after it, so a batch of 10,000 items shows within a second
  const append = (from, to) => {
    const frag = document.createDocumentFragment();
    for (const i of models.slice(from, to)) {
      const b = itemButton(i);
      buttons.set(i.job_id, b);
      frag.append(b);
    }
    box.append(frag);
    const b = focused && buttons.get(focused);
    if (b) {
      focused = null;
      box.querySelectorAll('button[tabindex="0"]').forEach(x => { x.tabIndex = -1; });
      b.tabIndex = 0;
      b.focus();
    }
  };
  append(0, FIRST);
  summary();
  document.getElementById('export').href = '/api' + base + '/export';
  if (selected && !models.some(i => i.job_id === selected)) selected = null;
  // the figures in README "Dashboard": the API's answer, and the page drawn from it (layout forced)
  void box.offsetHeight;
  window.caravanFetchMs = t1 - t0;
  window.caravanRenderMs = performance.now() - t1;
  for (let from = FIRST; from < models.length; from += CHUNK) {
    await new Promise(r => setTimeout(r, 0));
    if (run !== drawing) return;
    append(from, from + CHUNK);
  }
  window.caravanAllDrawnMs = performance.now() - t1;
  document.body.dataset.loaded = 'true';
}

function summary() {
  const counts = {};
  const statuses = {};
  for (const i of models) statuses[i.status] = (statuses[i.status] || 0) + 1;
  for (const [state, status] of Object.entries(STATE_STATUS)) counts[state] = statuses[status] || 0;
  counts.queued += statuses.moving || 0;
  const total = models.length;
  const ended = counts.completed + counts.failed + counts.aborted;
  let left = '';
  if (view.started_at && ended > 0 && ended < total) {
    // the pace so far: time since the start per ended item, times the items left
    const s = (Date.now() - Date.parse(view.started_at)) / ended * (total - ended) / 1000;
    left = ' · about ' + (s < 90 ? Math.max(1, Math.round(s)) + ' s' : s < 5400 ? Math.round(s / 60) + ' min'
      : (s / 3600).toFixed(1) + ' h') + ' left';
  }
  document.getElementById('summary').textContent = `${view.environment} · ${total} items · ${ended} ended · `
    + Object.entries(statuses).map(([s, n]) => n + ' ' + s).join(', ')
    + (view.started ? ' · started' : ' · not started')
    + (view.schedule ? ' · starts at ' + new Date(view.schedule.at).toLocaleString()
      + (view.schedule.fromItem ? ' from ' + view.schedule.fromItem : '') : '') + left;
  document.getElementById('progress').replaceChildren(bar(counts));
}

async function select(jobId) {
  if (selected && buttons.get(selected)) buttons.get(selected).setAttribute('aria-pressed', 'false');
  selected = jobId;
  buttons.get(jobId)?.setAttribute('aria-pressed', 'true');
  document.querySelectorAll('#items button[tabindex="0"]').forEach(x => { x.tabIndex = -1; });
  if (buttons.get(jobId)) buttons.get(jobId).tabIndex = 0;
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

// One load at a time, and at most one behind it: a commit of 10,000 new items is 10,000 events, each of which would
// otherwise fetch and redraw the whole batch.
let loading = null;
let again = false;
function reload() {
  if (loading) { again = true; return; }
  loading = load().catch(x => say(x.message, true)).finally(() => {
    loading = null;
    if (again) { again = false; reload(); }
  });
}

function onJob(ev) {
  const e = JSON.parse(ev.data);
  if (e.group !== group || e.batch !== batch) return;
  const at = models.findIndex(i => i.job_id === e.job_id);
  if (at < 0) { if (!e.deleted) reload(); return; }
  const b = buttons.get(e.job_id);
  if (e.deleted) {
    models.splice(at, 1);
    b?.remove();
    buttons.delete(e.job_id);
    const first = document.querySelector('#items button');
    if (b?.tabIndex === 0 && first) first.tabIndex = 0; // the list stays reachable by Tab
  } else {
    const status = STATE_STATUS[e.state] || e.state;
    Object.assign(models[at], { state: e.state, status, colour: COLOURS[status] || 'grey' });
    if (b) paint(b, status, models[at].colour);
  }
  summary();
  // how late after its commit the change shows (the figure in README "Dashboard")
  requestAnimationFrame(() => (window.caravanLags ||= []).push(Date.now() - Date.parse(e.committed_at)));
  if (e.job_id === selected) select(selected);
}

function onBatch(ev) {
  const e = JSON.parse(ev.data);
  if (e.group === group && e.batch === batch) reload();
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

// arrow keys within the items: left/right one item, up/down one row, Home/End the ends
document.getElementById('items').addEventListener('keydown', ev => {
  const b = ev.target.closest('button[data-job]');
  if (!b) return;
  const list = [...document.getElementById('items').children];
  const at = list.indexOf(b);
  let cols = 1;
  while (cols < list.length && list[cols].offsetTop === list[0].offsetTop) cols++;
  const to = { ArrowRight: at + 1, ArrowLeft: at - 1, ArrowDown: at + cols, ArrowUp: at - cols, Home: 0, End: list.length - 1 }[ev.key];
  if (to === undefined || to < 0 || to >= list.length) return;
  ev.preventDefault();
  b.tabIndex = -1;
  list[to].tabIndex = 0;
  list[to].focus();
});
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
  // a commit between the first answer and the stream's opening would never show: every opening (a reconnect after
  // a restart too) loads again
  events.addEventListener('open', reload);
  reload();
}
