// The one way the pages talk to the daemon: the public /api. A change answered 401 asks for the token once and
// keeps it in sessionStorage (this browser tab only), then repeats the call.
const KEY = 'caravan.token';

export async function api(method, path, body, type = 'application/json') {
  for (let attempt = 0; attempt < 2; attempt++) {
    const headers = {};
    const token = sessionStorage.getItem(KEY);
    if (token) headers.Authorization = 'Bearer ' + token;
    let payload;
    if (body !== undefined && body !== null) {
      headers['Content-Type'] = type;
      payload = type === 'application/json' ? JSON.stringify(body) : body;
    }
    const r = await fetch('/api' + path, { method, headers, body: payload });
    if ((r.status === 401 || r.status === 403) && attempt === 0) {
      const given = await askToken(r.status === 403 ? 'The token was refused. Token:' : 'This change needs the API token:');
      if (!given) throw new ApiError(r.status, 'no token given');
      sessionStorage.setItem(KEY, given);
      continue;
    }
    const text = await r.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
    if (!r.ok) throw new ApiError(r.status, json && json.error ? json.error : text, json);
    return json !== null ? json : text;
  }
}

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body || {};
  }
}

function askToken(question) {
  const dialog = document.getElementById('token-dialog') || makeTokenDialog();
  dialog.querySelector('label span').textContent = question;
  const input = dialog.querySelector('input');
  input.value = '';
  return new Promise(resolve => {
    dialog.onclose = () => resolve(dialog.returnValue === 'ok' ? input.value.trim() : null);
    dialog.showModal();
  });
}

function makeTokenDialog() {
  const d = document.createElement('dialog');
  d.id = 'token-dialog';
  d.innerHTML = `<form method="dialog"><label><span></span>
    <input type="password" name="token" autocomplete="off" required></label>
    <menu><button value="cancel" formnovalidate>Cancel</button><button value="ok">Use token</button></menu></form>`;
  document.body.appendChild(d);
  return d;
}

export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v; else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  return e;
}

export function say(text, bad = false) {
  const s = document.getElementById('status');
  if (!s) return;
  s.textContent = text;
  s.className = bad ? 'bad' : 'ok';
}

export function batchUrl(group, batch) {
  return '/batches/' + encodeURIComponent(group) + '/' + encodeURIComponent(batch);
}

// Mesmerize's order and colours; the API names the colour of each item.
export const STATUSES = ['not run', 'running', 'moving', 'succeeded', 'failed', 'aborted'];
export const STATE_STATUS = { backlog: 'not run', queued: 'running', completed: 'succeeded', failed: 'failed', aborted: 'aborted' };
export const COLOURS = { 'not run': 'white', running: 'yellow', moving: 'blue', succeeded: 'green', failed: 'red', aborted: 'orange' };

// A progress bar of a batch's jobs per state, ended ones first.
export function bar(counts) {
  const total = Object.values(counts).reduce((a, b) => a + b, 0) || 1;
  const done = (counts.completed || 0) + (counts.failed || 0) + (counts.aborted || 0);
  const b = el('div', { class: 'bar', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': total, 'aria-valuenow': done,
    'aria-label': done + ' of ' + total + ' ended' });
  for (const s of ['completed', 'failed', 'aborted', 'queued', 'backlog']) {
    if (!counts[s]) continue;
    b.append(el('span', { class: 'c-' + COLOURS[STATE_STATUS[s]], style: 'width:' + (100 * counts[s] / total) + '%', title: s + ' ' + counts[s] }));
  }
  return b;
}
