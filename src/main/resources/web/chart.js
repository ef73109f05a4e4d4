// Completions and failures over time, one small chart per environment, drawn as inline SVG (no library) from
// GET /api/environments/history. Completions rise above the axis in green, failures hang below it in red, all
// environments on one scale, so a busy or a failing place stands out at a glance. Each chart is an image with a
// text alternative, and the numbers are also a table for keyboards and screen readers.
import { api, el } from './api.js';

const NS = 'http://www.w3.org/2000/svg';
const W = 640;           // viewBox width; the svg scales to its box
const UP = 70;           // height for completions
const DOWN = 34;         // height for failures
const TOP = 8;
const AXIS = TOP + UP;
const LEFT = 34;
const H = AXIS + DOWN + 20;

function svg(tag, attrs = {}, ...children) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) e.setAttribute(k, v);
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  return e;
}

function label(iso, bucketS, spanS) {
  const d = new Date(iso);
  const time = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hour12: false });
  return spanS > 86400 ? d.toLocaleDateString([], { month: 'short', day: 'numeric' }) + (bucketS % 86400 ? ' ' + time : '') : time;
}

function plural(n, one) {
  return n + ' ' + one + (n === 1 ? '' : 's');
}

// One environment's chart: a figure holding the svg, its caption the totals.
function figure(env, h, maxC, maxF, span, anyFailed) {
  const n = h.buckets.length;
  const step = (W - LEFT) / n;
  const bw = Math.max(1, step * 0.8);
  const id = 'chart-' + env.name.replace(/[^A-Za-z0-9_-]/g, '_');
  const busiest = env.completed.indexOf(Math.max(...env.completed));
  const worst = env.failed.indexOf(Math.max(...env.failed));
  const desc = plural(env.total_completed, 'completion') + ' and ' + plural(env.total_failed, 'failure')
    + ' on ' + env.name + ' from ' + label(h.from, h.bucket_s, span) + ' to ' + label(h.to, h.bucket_s, span)
    + (env.total_completed ? '; most completions (' + env.completed[busiest] + ') in the bucket from ' + label(h.buckets[busiest], h.bucket_s, span) : '')
    + (env.total_failed ? '; most failures (' + env.failed[worst] + ') in the bucket from ' + label(h.buckets[worst], h.bucket_s, span) : '')
    + '.';
  const bars = [];
  for (let i = 0; i < n; i++) {
    const x = LEFT + i * step + (step - bw) / 2;
    const when = label(h.buckets[i], h.bucket_s, span);
    if (env.completed[i]) {
      const hh = Math.max(1, UP * env.completed[i] / maxC);
      bars.push(svg('rect', { class: 'done', x, y: AXIS - hh, width: bw, height: hh, 'data-n': env.completed[i], 'data-bucket': h.buckets[i] },
        svg('title', {}, when + ': ' + plural(env.completed[i], 'completion'))));
    }
    if (env.failed[i]) {
      const hh = Math.max(1, DOWN * env.failed[i] / maxF);
      bars.push(svg('rect', { class: 'fail', x, y: AXIS, width: bw, height: hh, 'data-n': env.failed[i], 'data-bucket': h.buckets[i] },
        svg('title', {}, when + ': ' + plural(env.failed[i], 'failure'))));
    }
  }
  const ticks = [0, Math.floor(n / 2), n - 1].filter((v, i, a) => a.indexOf(v) === i).map(i =>
    svg('text', { x: LEFT + i * step + step / 2, y: H - 4, 'text-anchor': i === 0 ? 'start' : i === n - 1 ? 'end' : 'middle' },
      label(h.buckets[i], h.bucket_s, span)));
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': id + '-t', 'aria-describedby': id + '-d', focusable: 'false' },
    svg('title', { id: id + '-t' }, 'Completions and failures on ' + env.name),
    svg('desc', { id: id + '-d' }, desc),
    svg('text', { x: LEFT - 4, y: TOP + 8, 'text-anchor': 'end' }, maxC),
    anyFailed ? svg('text', { x: LEFT - 4, y: AXIS + DOWN, 'text-anchor': 'end', class: 'fail-label' }, maxF) : null,
    svg('text', { x: LEFT - 4, y: AXIS + 4, 'text-anchor': 'end' }, 0),
    svg('line', { x1: LEFT, x2: W, y1: AXIS, y2: AXIS, class: 'axis' }),
    bars, ticks);
  return el('figure', { 'data-env': env.name, 'data-completed': env.total_completed, 'data-failed': env.total_failed },
    el('figcaption', {}, el('strong', {}, env.name), ' · ',
      el('span', { class: 'done-text' }, plural(env.total_completed, 'completion')), ' · ',
      el('span', { class: env.total_failed ? 'error' : null }, plural(env.total_failed, 'failure'))),
    chart);
}

// The same numbers as a table: a total row, then every bucket that holds an end.
function table(h, span) {
  const envs = h.environments;
  const head = el('tr', {}, el('th', { scope: 'col' }, 'Bucket from'),
    envs.flatMap(e => [el('th', { scope: 'col' }, e.name + ' completed'), el('th', { scope: 'col' }, e.name + ' failed')]));
  const rows = [el('tr', { 'data-bucket': 'total' }, el('th', { scope: 'row' }, 'Total'),
    envs.flatMap(e => [el('td', {}, e.total_completed), el('td', {}, e.total_failed)]))];
  h.buckets.forEach((b, i) => {
    if (!envs.some(e => e.completed[i] || e.failed[i])) return;
    rows.push(el('tr', { 'data-bucket': b }, el('th', { scope: 'row' }, el('time', { datetime: b }, label(b, h.bucket_s, span))),
      envs.flatMap(e => [el('td', {}, e.completed[i]), el('td', {}, e.failed[i])])));
  });
  return el('details', {}, el('summary', {}, 'The chart as a table'),
    el('div', { class: 'scroll', tabindex: 0, role: 'region', 'aria-label': 'Completions and failures per bucket' },
      el('table', { id: 'history-table' }, el('thead', {}, head), el('tbody', {}, rows))));
}

export async function drawHistory(box, hours, bucket) {
  const h = await api('GET', '/environments/history?hours=' + hours + (bucket ? '&bucket=' + bucket : ''));
  const span = Date.parse(h.to) - Date.parse(h.from);
  const maxC = Math.max(1, ...h.environments.flatMap(e => e.completed));
  const maxF = Math.max(1, ...h.environments.flatMap(e => e.failed));
  const open = box.querySelector('details')?.open;
  const anyFailed = h.environments.some(e => e.total_failed > 0);
  const figures = h.environments.map(e => figure(e, h, maxC, maxF, span / 1000, anyFailed));
  const t = table(h, span / 1000);
  if (open) t.open = true;
  box.replaceChildren(...figures, t);
  if (h.truncated) box.append(el('p', { class: 'muted' }, 'Only the last ' + h.commits + ' commits were read.'));
  box.dataset.head = h.head || '';
  return h;
}
