// Overview: every group x batch of the tree (whatever made it) with its items per state and a progress bar,
// refreshed when /api/events says a job or a batch changed.
import { api, el, say, bar } from './api.js';

const ORDER = ['backlog', 'queued', 'completed', 'failed', 'aborted'];

async function environments() {
  const envs = await api('GET', '/environments');
  document.querySelector('#environments tbody').replaceChildren(...envs.map(e => el('tr', { 'data-env': e.name },
    el('td', {}, e.name), el('td', {}, e.backend),
    el('td', { 'data-key': 'in_flight' }, e.in_flight + ' / ' + (e.max_parallel_runs > 0 ? e.max_parallel_runs : '∞')),
    el('td', { class: e.paused || e.excessive_failure ? 'error' : null },
      [e.paused ? 'paused' : null, e.excessive_failure ? 'excessive failures' : null].filter(Boolean).join(', ') || 'open'),
    el('td', { class: e.health === 'ok' ? null : 'error' }, e.health),
    el('td', {}, e.last_cycle_age_s === null ? 'none yet' : e.last_cycle_age_s + ' s ago'))));
}

async function load() {
  await environments();
  const list = await api('GET', '/batches');
  const body = document.querySelector('#batches tbody');
  body.replaceChildren(...list.map(b => {
    const c = b.counts || {};
    const total = Object.values(c).reduce((x, y) => x + y, 0);
    const name = b.managed ? el('a', { href: 'batch.html?group=' + encodeURIComponent(b.group) + '&batch=' + encodeURIComponent(b.batch) }, b.batch) : b.batch;
    return el('tr', { 'data-batch': b.group + '/' + b.batch },
      el('td', {}, b.group), el('td', {}, name),
      ORDER.map(s => el('td', { 'data-state': s }, c[s] || 0)),
      el('td', { 'data-state': 'total' }, total), el('td', {}, bar(c)));
  }));
  say(list.length + ' batches');
}

let pending = null;
function soon() {
  // many events of one commit arrive together: one reload for them
  if (pending) return;
  pending = setTimeout(() => { pending = null; load().catch(e => say(e.message, true)); }, 100);
}

load().catch(e => say(e.message, true));
const events = new EventSource('/api/events');
events.addEventListener('job', soon);
events.addEventListener('batch', soon);
events.addEventListener('gate', soon);
