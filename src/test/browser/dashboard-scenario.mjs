// The dashboard in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core), run by
// dev.caravan.it.DashboardBrowserTest against a daemon on the shipped config. Every step goes through the pages;
// the script itself only makes the run_wepp task wait for a flag file (so "running" can be seen) and the flag.
// Prints one JSON line of figures at the end; any failed expectation exits non-zero with its reason.
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const env = process.env;
const require = createRequire(path.join(env.PLAYWRIGHT_PREFIX, 'package.json'));
const { chromium } = require('playwright-core');
const URL = env.CARAVAN_URL;
const TOKEN = env.CARAVAN_TOKEN;
const SHOTS = env.SCREENSHOTS;
const WORK = env.BATCH_WORK;
const FLAG = env.FLAG_FILE;
const G = 'wepp-demo';
const B = 'simple-run';
const figures = {};

function check(cond, what) {
  if (!cond) throw new Error('expected: ' + what);
}

async function apiCall(method, p, body) {
  const r = await fetch(URL + '/api' + p, { method, headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + TOKEN },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  const t = await r.text();
  check(r.ok, method + ' ' + p + ' answers 2xx, got ' + r.status + ' ' + t);
  return t ? JSON.parse(t) : null;
}

// every colour each item button takes, with the page's clock; and the time the abort call was answered
const RECORDER = () => {
  window.caravanSeen = {};
  window.caravanPageId = Math.random();
  const note = b => {
    const list = (window.caravanSeen[b.dataset.job] ||= []);
    if (list.length === 0 || list[list.length - 1].c !== b.className) list.push({ c: b.className, t: performance.now() });
  };
  new MutationObserver(ms => {
    for (const m of ms) {
      if (m.type === 'attributes' && m.target.dataset && m.target.dataset.job) note(m.target);
      for (const n of m.addedNodes || []) {
        if (n.dataset && n.dataset.job) note(n);
        if (n.querySelectorAll) n.querySelectorAll('button[data-job]').forEach(note);
      }
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['class'] });
  const f = window.fetch;
  window.fetch = async (...a) => {
    const r = await f(...a);
    if (String(a[0]).endsWith('/abort')) window.caravanAbortAnswered = performance.now();
    return r;
  };
};

const browser = await chromium.launch({ executablePath: env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  await context.addInitScript(RECORDER);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', e => problems.push(e.message));

  // --- create: the name rule as you type, the token prompt, upload with analysis, the template preview
  await page.goto(URL + '/create.html');
  await page.getByLabel('Group').fill(G);
  await page.getByLabel('Batch name').fill('ab');
  await page.waitForFunction(() => document.getElementById('name-check').textContent.includes('batch must be'));
  await page.getByLabel('Batch name').fill(B);
  await page.waitForFunction(() => document.getElementById('name-check').textContent === '');
  await page.getByRole('button', { name: 'Create' }).click();
  await page.locator('#token-dialog').waitFor({ state: 'visible' });
  await page.locator('#token-dialog input').fill(TOKEN);
  await page.getByRole('button', { name: 'Use token' }).click();
  await page.waitForFunction(() => !document.getElementById('upload-step').disabled);
  check(await page.evaluate(() => sessionStorage.getItem('caravan.token')) === TOKEN, 'the token is kept for the tab');

  const batch = await apiCall('GET', `/batches/${G}/${B}`);
  await apiCall('PUT', `/batches/${G}/${B}/tasks`, { tasks: batch.tasks.map(t => t.name === 'run_wepp'
    ? { name: t.name, command: `while [ ! -f ${FLAG} ]; do sleep 0.05; done; ${t.command}` } : { name: t.name, command: t.command }) });

  await page.getByLabel('FeatureCollection file').setInputFiles(env.GEOJSON);
  await page.waitForFunction(() => document.querySelector('#analysis dd[data-key=feature_count]')?.textContent === '3');
  check(await page.locator('#analysis dd[data-key=epsg]').textContent() === 'EPSG:4326', 'the analysis names EPSG:4326');

  await page.getByLabel('Run-id template').fill("{properties['Region']}");
  await page.getByRole('button', { name: 'Validate' }).click();
  await page.waitForFunction(() => document.querySelectorAll('#preview tr.dup').length === 2);
  const dups = await page.locator('#preview tr.dup').evaluateAll(rs => rs.map(r => [r.dataset.index, r.cells[2].textContent]));
  check(JSON.stringify(dups) === JSON.stringify([['0', 'NW'], ['1', 'NW']]), 'features 0 and 1 highlighted as duplicate NW, got ' + JSON.stringify(dups));
  check(await page.getByRole('button', { name: 'Run', exact: true }).isDisabled(), 'Run disabled while the template is not valid');
  await page.screenshot({ path: SHOTS + '/create-duplicates.png', fullPage: true });

  await page.getByLabel('Run-id template').fill("{properties['HucName']}-{properties['Region']}");
  await page.getByRole('button', { name: 'Validate' }).click();
  await page.waitForFunction(() => document.getElementById('template-summary').textContent.startsWith('valid'));
  check(await page.locator('#preview tr.dup, #preview tr.err').count() === 0, 'nothing highlighted once valid');
  check(await page.locator('#tasks input:checked').count() === 3, 'every task on by default');
  await page.screenshot({ path: SHOTS + '/create.png', fullPage: true });

  // --- run: the batch page, live from /api/events
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await page.waitForURL(/batch\.html/);
  const pageId = await page.evaluate(() => window.caravanPageId);
  const items = ['Blue_Creek-NW', 'Cedar_Grove-NW', 'Juniper_Basin-SW'];
  await page.waitForFunction(ids => ids.every(i => document.querySelector(`button[data-job="${i}"]`)?.className === 'c-yellow'),
    items, { timeout: 20000 });
  await page.screenshot({ path: SHOTS + '/batch-running.png', fullPage: true });

  // abort one item with the buttons: orange, measured from the answer of the abort call
  await page.locator('button[data-job="Cedar_Grove-NW"]').click();
  await page.waitForFunction(() => document.querySelector('#detail-status')?.textContent === 'running');
  const clicked = await page.evaluate(() => performance.now());
  await page.getByRole('button', { name: 'Abort item' }).click();
  await page.waitForFunction(() => document.querySelector('button[data-job="Cedar_Grove-NW"]').className === 'c-orange');
  const abort = await page.evaluate(() => {
    const seen = window.caravanSeen['Cedar_Grove-NW'];
    return { orangeAt: seen.find(s => s.c === 'c-orange').t, answeredAt: window.caravanAbortAnswered };
  });
  // progress with an estimate: one of three ended since the start
  await page.waitForFunction(() => / left$/.test(document.getElementById('summary').textContent));
  check(await page.locator('#progress [role=progressbar]').getAttribute('aria-valuenow') === '1', 'the progress bar says 1 ended');
  figures.abort_click_to_orange_ms = Math.round(abort.orangeAt - clicked);
  figures.abort_answer_to_orange_ms = Math.max(0, Math.round(abort.orangeAt - abort.answeredAt));

  // the others end: yellow then green, without a reload
  fs.writeFileSync(FLAG, '');
  const flagAt = await page.evaluate(() => performance.now());
  await page.waitForFunction(() => ['Blue_Creek-NW', 'Juniper_Basin-SW'].every(i =>
    document.querySelector(`button[data-job="${i}"]`).className === 'c-green'), null, { timeout: 30000 });
  const seen = await page.evaluate(() => window.caravanSeen);
  for (const i of ['Blue_Creek-NW', 'Juniper_Basin-SW']) {
    const cs = seen[i].map(s => s.c);
    check(cs.indexOf('c-yellow') >= 0 && cs.indexOf('c-yellow') < cs.lastIndexOf('c-green'), i + ' went yellow then green, saw ' + cs);
  }
  figures.flag_to_last_green_ms = Math.round(Math.max(...['Blue_Creek-NW', 'Juniper_Basin-SW']
    .map(i => seen[i].find(s => s.c === 'c-green').t)) - flagAt);
  check(await page.evaluate(() => window.caravanPageId) === pageId, 'no reload of the batch page');
  const lags = await page.evaluate(() => window.caravanLags || []);
  check(lags.length >= 2, 'state changes arrived as events: ' + lags);
  figures.commit_to_page_ms_max = Math.max(...lags);
  figures.commit_to_page_ms_median = lags.slice().sort((a, b) => a - b)[Math.floor(lags.length / 2)];

  // the items by keyboard: one tab stop, arrows move, Enter selects
  check(await page.locator('#items button[tabindex="0"]').count() === 1, 'the items are one tab stop');
  await page.locator('#items button[tabindex="0"]').focus();
  await page.locator('button[data-job="Blue_Creek-NW"]').focus();
  await page.keyboard.press('End');
  check(await page.evaluate(() => document.activeElement.dataset.job) === 'Juniper_Basin-SW', 'End moves to the last item');
  await page.keyboard.press('ArrowLeft');
  check(await page.evaluate(() => document.activeElement.dataset.job) === 'Cedar_Grove-NW', 'ArrowLeft moves back one');
  await page.keyboard.press('Home');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#detail strong')?.textContent === 'Blue_Creek-NW');
  await page.waitForFunction(() => document.getElementById('stdout')?.textContent.length > 0
    || document.getElementById('stderr')?.textContent.length > 0);
  await page.screenshot({ path: SHOTS + '/batch.png', fullPage: true });

  // delete the aborted one: the confirmation says files are removed; its button and folder are gone
  const work = path.join(WORK, G, B, 'Cedar_Grove-NW');
  const hadFiles = fs.existsSync(work);
  let confirmText = null;
  page.once('dialog', d => { confirmText = d.message(); d.accept(); });
  await page.locator('button[data-job="Cedar_Grove-NW"]').click();
  await page.getByRole('button', { name: 'Delete selected' }).click();
  await page.waitForFunction(() => !document.querySelector('button[data-job="Cedar_Grove-NW"]'));
  check(confirmText && confirmText.includes('removed'), 'the confirmation says files are removed: ' + confirmText);
  check(hadFiles && !fs.existsSync(work), 'the item had a work folder and it is gone: ' + work);

  // export: the archive downloads and holds the scripts
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export scripts' }).click()]);
  const archive = path.join(SHOTS, '..', 'dashboard-export.tar.gz');
  await download.saveAs(archive);
  const listing = execFileSync('tar', ['tzf', archive]).toString();
  check(/submit-all\.sh/.test(listing) && /Blue_Creek-NW\.sh/.test(listing), 'the archive has submit-all.sh and the items: ' + listing);

  // overview: the counts of the batch
  await page.goto(URL + '/');
  const row = page.locator(`tr[data-batch="${G}/${B}"]`);
  await row.waitFor();
  const counts = await row.locator('td[data-state]').evaluateAll(ts => Object.fromEntries(ts.map(t => [t.dataset.state, t.textContent])));
  check(counts.completed === '2' && counts.aborted === '0' && counts.total === '2', 'overview counts 2 completed of 2: ' + JSON.stringify(counts));
  const demo = page.locator('#environments tr[data-env="demo"]');
  await demo.waitFor();
  check((await demo.textContent()).includes('local'), 'the overview shows the demo environment on the local backend');
  // the environment held by its batch barrier says which batch goes first and what waits
  const barrier = await page.locator('#environments tr[data-env="fw"] [data-gate="barrier"]').textContent();
  check(barrier.includes('gear.b01') && barrier.includes('1 held back'), 'fw shows its barrier: ' + barrier);
  // the chart's table: reachable by keyboard, the same totals
  await page.locator('#history figure[data-env="demo"][data-completed="2"]').waitFor();
  await page.locator('#history summary').focus();
  await page.keyboard.press('Enter');
  const total = await page.locator('#history-table tr[data-bucket="total"]').evaluate(r => [...r.cells].map(c => c.textContent));
  const heads = await page.locator('#history-table thead th').evaluateAll(hs => hs.map(h => h.textContent));
  check(total[heads.indexOf('demo completed')] === '2' && total[heads.indexOf('demo failed')] === '0',
    'the table says demo: 2 completed, 0 failed: ' + heads + ' / ' + total);
  const bars = await page.locator('#history figure[data-env="demo"] svg rect.done').evaluateAll(rs => rs.map(r => Number(r.dataset.n)));
  check(bars.reduce((a, b) => a + b, 0) === 2, 'the chart\'s bars hold the two completions, not the abort: ' + bars);
  check(await page.locator('#history figure[data-env="demo"] svg').getAttribute('role') === 'img'
    && (await page.locator('#history figure[data-env="demo"] svg desc').textContent()).includes('2 completions'),
    'the chart is an image with a text description of its numbers');
  await page.screenshot({ path: SHOTS + '/overview.png', fullPage: true });

  // live: fw's runs end (the barrier lets gear.b02 go after gear.b01), and the open overview draws both
  // completions and lifts the gate without a reload
  const overviewId = await page.evaluate(() => window.caravanPageId);
  fs.writeFileSync(env.FW_FLAG, 'go');
  await page.waitForFunction(() => document.querySelector('#history figure[data-env="fw"]')?.dataset.completed === '2',
    null, { timeout: 60000 });
  await page.waitForFunction(() => document.querySelector('#environments tr[data-env="fw"] [data-key="gates"]')?.textContent === 'open',
    null, { timeout: 30000 });
  check(await page.evaluate(() => window.caravanPageId) === overviewId, 'no reload of the overview');

  // a phone width still shows the items
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(URL + `/batch.html?group=${G}&batch=${B}`);
  await page.waitForFunction(() => document.body.dataset.loaded === 'true');
  check(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'the batch page fits a phone\'s width');
  await page.screenshot({ path: SHOTS + '/batch-phone.png', fullPage: true });
  for (const [name, url, ready] of [['overview', '/', '#history figure'], ['create', '/create.html', '#create']]) {
    await page.goto(URL + url);
    await page.locator(ready).first().waitFor();
    await page.screenshot({ path: SHOTS + '/' + name + '-phone.png', fullPage: true });
    const wide = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1 ? [] : [...document.querySelectorAll('body *')]
      .filter(e => !e.closest('.scroll') && e.getBoundingClientRect().right > window.innerWidth + 1)
      .slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)));
    check(wide.length === 0, name + ' fits a phone\'s width (wide tables scroll in their own box): ' + wide.join(', '));
  }
  await page.setViewportSize({ width: 1280, height: 800 });

  // Start at a time: a batch not started gets a schedule from the page, and says so
  await apiCall('POST', '/batches', { group: G, batch: 'later' });
  await apiCall('PUT', `/batches/${G}/later/resource`, fs.readFileSync(env.GEOJSON, 'utf8'));
  await apiCall('POST', `/batches/${G}/later/template`, { template: "{properties['HucName']}-{properties['Region']}" });
  await page.goto(URL + `/batch.html?group=${G}&batch=later`);
  await page.waitForFunction(() => document.body.dataset.loaded === 'true');
  const at = new Date(Date.now() + 3600_000);
  const local = new Date(at.getTime() - at.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  await page.getByLabel('Start time').fill(local);
  await page.getByRole('button', { name: 'Start at time' }).click();
  await page.waitForFunction(() => document.getElementById('summary').textContent.includes('starts at'), null, { timeout: 15000 });
  const later = await apiCall('GET', `/batches/${G}/later`);
  check(later.schedule && Math.abs(Date.parse(later.schedule.at) - at.getTime()) < 61000 && !later.started,
    'the batch is scheduled for the chosen minute and not started: ' + JSON.stringify(later.schedule));
  await apiCall('DELETE', `/batches/${G}/later/schedule`);

  // a big batch: the page of its items renders within a second
  const n = Number(env.BIG_ITEMS || 0);
  if (n > 0) {
    const features = Array.from({ length: n }, (_, i) => ({ type: 'Feature', id: i,
      properties: { n: i }, geometry: { type: 'Point', coordinates: [-116 + i / n, 45] } }));
    await apiCall('POST', '/batches', { group: G, batch: 'big' });
    // open while it is empty: its 10,000 items then arrive as one commit's events, which the page must take in with
    // one load, not one per event (that swamped it: 10,000 fetches of the whole batch)
    await page.goto(URL + `/batch.html?group=${G}&batch=big`);
    await page.waitForFunction(() => document.body.dataset.loaded === 'true');
    const live0 = Date.now();
    await apiCall('PUT', `/batches/${G}/big/resource`, JSON.stringify({ type: 'FeatureCollection', features }));
    await page.waitForFunction(k => document.querySelectorAll('#items button').length === k, n, { timeout: 60000 });
    figures.big_live_ms = Date.now() - live0;
    const t0 = Date.now();
    await page.goto(URL + `/batch.html?group=${G}&batch=big`);
    await page.waitForFunction(k => document.querySelectorAll('#items button').length === k, n, { timeout: 60000 });
    figures.big_items = n;
    figures.big_page_load_ms = Date.now() - t0;
    figures.big_render_ms = Math.round(await page.evaluate(() => window.caravanRenderMs));
    figures.big_all_drawn_ms = Math.round(await page.evaluate(() => window.caravanAllDrawnMs));
    figures.big_api_answer_ms = Math.round(await page.evaluate(() => window.caravanFetchMs));
    await page.screenshot({ path: SHOTS + '/batch-big.png' });
  }
  check(problems.length === 0, 'no errors in the pages: ' + problems.join('; '));
} finally {
  await browser.close();
}
console.log(JSON.stringify(figures));
