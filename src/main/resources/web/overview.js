// Overview: every environment with its gates, the chart of completions and failures per environment, and every
// group x batch of the tree (whatever made it) with its items per state and a progress bar; refreshed when
// /api/events says a job, a batch or a gate changed (the chart at most every few seconds).
import { api, el, say, bar } from './api.js';
import { drawHistory } from './chart.js';

const ORDER = ['backlog', 'queued', 'completed', 'failed', 'aborted'];
const CHART_EVERY_MS = 3000;

function gates(e) {
  const out = [];
  if (e.paused) out.push(el('span', { class: 'gate error', 'data-gate': 'paused' }, 'paused'));
  if (e.excessive_failure) out.push(el('span', { class: 'gate error', 'data-gate': 'excessive_failure' }, 'excessive failures'));
  if (e.barrier_batch) {
    out.push(el('span', { class: e.barrier_held ? 'gate held' : 'gate', 'data-gate': 'barrier',
      title: 'batch barrier: releases only from this batch until every job of it has ended' },
    'barrier: batch ' + e.barrier_batch + ' first' + (e.barrier_held ? ', ' + e.barrier_held + ' held back' : '')));
  }
  return out.length ? out : ['open'];
}

async function environments() {
  const envs = await api('GET', '/environments');
  document.querySelector('#environments tbody').replaceChildren(...envs.map(e => el('tr', { 'data-env': e.name },
    el('th', { scope: 'row' }, e.name), el('td', {}, e.backend),
    el('td', { 'data-key': 'in_flight' }, e.in_flight + ' / ' + (e.max_parallel_runs > 0 ? e.max_parallel_runs : '∞')),
    el('td', { 'data-key': 'gates' }, gates(e)),
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

const windowSelect = document.getElementById('history-window');
async function chart() {
  const [hours, bucket] = windowSelect.value.split(':');
  await drawHistory(document.getElementById('history'), hours, bucket);
}

let pending = null;
function soon() {
  // many events of one commit arrive together: one reload for them
  if (pending) return;
  pending = setTimeout(() => { pending = null; load().catch(e => say(e.message, true)); }, 100);
}

let chartPending = null;
let chartAt = 0;
function chartSoon() {
  // a busy scheduler commits every few hundred ms: the chart follows at most every CHART_EVERY_MS
  if (chartPending) return;
  chartPending = setTimeout(() => {
    chartPending = null;
    chartAt = Date.now();
    chart().catch(e => say(e.message, true));
  }, Math.max(100, chartAt + CHART_EVERY_MS - Date.now()));
}

load().catch(e => say(e.message, true));
chartAt = Date.now();
chart().catch(e => say(e.message, true));
windowSelect.addEventListener('change', () => { chartAt = Date.now(); chart().catch(e => say(e.message, true)); });
const events = new EventSource('/api/events');
events.addEventListener('job', () => { soon(); chartSoon(); });
events.addEventListener('batch', soon);
events.addEventListener('gate', soon);
// a commit between the first answer and the stream's opening (or a restart's reconnect) would otherwise never show
events.addEventListener('open', () => { soon(); chartSoon(); });
