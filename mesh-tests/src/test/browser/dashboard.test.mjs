// Drives the live dashboard in a real headless Chromium (Debian's, through playwright-core) against a
// running mesh. Started by DashboardBrowserTest, which owns the mesh's processes: a line on stdout
// starting with "@@ " asks it to stop or start one ("@@ stop user-verticle"); every other line is log.
// Exit code 0 when every step passed. Environment:
//   GATEWAY_URL      the gateway, e.g. http://127.0.0.1:18080 (required)
//   SCREENSHOT_DIR   where the screenshots go (default: ./screenshots)
//   CHROMIUM_PATH    the browser (default: /usr/bin/chromium)
import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';

const gateway = process.env.GATEWAY_URL;
if (!gateway) {
  console.error('GATEWAY_URL is not set');
  process.exit(2);
}
const screenshots = resolve(process.env.SCREENSHOT_DIR || 'screenshots');
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// Without the networking flags Chromium calls hosts this machine cannot reach.
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const STEP_MS = 20_000;
const RESTART_MS = 120_000;

const run = randomUUID().slice(0, 8);
let page;

function log(message) {
  console.log(`[dashboard] ${message}`);
}

/** Asks the Java side to stop or start a service's JVM; the page shows the consequence. */
function control(command, service) {
  console.log(`@@ ${command} ${service}`);
}

async function step(name, body) {
  const started = Date.now();
  try {
    await body();
  } catch (e) {
    log(`FAILED: ${name}: ${e.message}`);
    await shoot('failure');
    throw e;
  }
  log(`ok: ${name} (${Date.now() - started} ms)`);
}

async function shoot(name) {
  if (!page) return;
  const file = join(screenshots, `dashboard-${name}.png`);
  try {
    await page.screenshot({ path: file, fullPage: true });
    log(`screenshot ${file}`);
  } catch (e) {
    log(`no screenshot ${file}: ${e.message}`);
  }
}

// the API is secure by default: the test's calls go as the operator, with the token the Java side minted
const authorization = process.env.MESH_TOKEN ? { Authorization: `Bearer ${process.env.MESH_TOKEN}` } : {};

async function api(method, path, body, headers = {}) {
  const response = await fetch(gateway + path, {
    method,
    headers: { 'Content-Type': 'application/json', ...authorization, ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = { raw: text };
  }
  if (!response.ok) {
    throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  }
  return json;
}

/** A call that may fail: the status, for steps that provoke an error on purpose. */
async function statusOf(method, path) {
  const response = await fetch(gateway + path, { method, headers: authorization, signal: AbortSignal.timeout(10_000) });
  await response.text();
  return response.status;
}

/**
 * Waits until the charts' latest row for a service shows at least `min` in one of its data- attributes
 * (requests, errorRatio, p99Ms), i.e. what the table under the charts says in words.
 */
async function expectLatest(name, attribute, min, timeout = STEP_MS) {
  const selector = `#chart-latest tr[data-service="${name}"]`;
  try {
    await page.waitForFunction(([selector, attribute, min]) => {
      const row = document.querySelector(selector);
      return row !== null && Number(row.dataset[attribute]) >= min;
    }, [selector, attribute, min], { timeout });
  } catch (e) {
    const rows = await page.locator('#chart-latest tr').evaluateAll((all) => all.map((r) => JSON.stringify(r.dataset)));
    throw new Error(`charts: expected ${name} ${attribute} >= ${min}, the rows were ${rows.join(' ')}: ${e.message}`);
  }
}

/** Waits until a chart draws the named series, with at least one point. */
async function expectChart(chart, series, timeout = STEP_MS) {
  const selector = `.chart[data-chart="${chart}"]`;
  await page.waitForFunction(([selector, series]) => {
    const figure = document.querySelector(selector);
    return figure !== null && figure.querySelector('canvas') !== null
      && (figure.dataset.series || '').split(',').includes(series) && Number(figure.dataset.points) > 0;
  }, [selector, series], { timeout });
}

function service(name) {
  return page.locator(`.service[data-service="${name}"]`);
}

async function expectInstances(name, count, timeout = STEP_MS) {
  await page.waitForSelector(`.service[data-service="${name}"][data-instances="${count}"]`, { timeout });
}

/**
 * Sends from inside the page, through the page's own bridge connection, and resolves with what came
 * back: the reply, or the bridge's error frame (which carries no address, so one probe at a time).
 */
async function probe(kind, address, headers) {
  return page.evaluate(([kind, address, headers]) => new Promise((resolve) => {
    const bus = window.dashboard.bus();
    const previous = bus.onerror;
    const done = (outcome) => {
      bus.onerror = previous;
      clearTimeout(timer);
      resolve(outcome);
    };
    const timer = setTimeout(() => done({ outcome: 'silence' }), 5000);
    bus.onerror = (error) => done({ outcome: 'error', body: error.body, error });
    if (kind === 'send') {
      bus.send(address, {}, headers, (err, reply) =>
        done(err ? { outcome: 'failure', failure: err } : { outcome: 'reply', body: reply.body }));
    } else if (kind === 'publish') {
      bus.publish(address, { eventId: 'forged', orderId: 'forged', status: 'CONFIRMED' }, headers);
    } else {
      bus.registerHandler(address, headers, () => done({ outcome: 'delivered' }));
    }
  }), [kind, address, headers || {}]);
}

function expectRefused(result, body, what) {
  if (result.outcome !== 'error' || result.body !== body) {
    throw new Error(`${what}: expected the bridge to refuse with '${body}', got ${JSON.stringify(result)}`);
  }
  log(`refused as expected: ${what} -> ${result.body}`);
}

async function main() {
  mkdirSync(screenshots, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'mesh-dashboard-chromium-'));
  // launchPersistentContext because Playwright refuses --user-data-dir in args: this is the fresh one
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1400, height: 1000 },
    timeout: 60_000,
  });
  try {
    page = context.pages()[0] || await context.newPage();
    page.on('console', (m) => log(`browser console ${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => log(`browser page error: ${e.message}`));
    await scenario();
  } finally {
    await context.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  }
}

async function scenario() {
  await step('open / and connect to the event bus', async () => {
    await page.goto(gateway + '/', { timeout: STEP_MS });
    await page.waitForSelector('#connection[data-state="live"]', { timeout: STEP_MS });
    await page.evaluate(() => { window.markOfFirstLoad = true; });
  });

  await step('the services panel shows users, inventory and orders with one instance each', async () => {
    for (const name of ['users', 'inventory', 'orders']) {
      await expectInstances(name, 1);
      const breaker = await service(name).getAttribute('data-breaker');
      if (breaker !== 'CLOSED') throw new Error(`${name} breaker is ${breaker}`);
    }
  });

  await step('a permitted read from the page is answered', async () => {
    const result = await probe('send', 'gateway.status', {});
    if (result.outcome !== 'reply' || !Array.isArray(result.body.services)) {
      throw new Error(`gateway.status: ${JSON.stringify(result)}`);
    }
    const stats = await probe('send', 'gateway.stats', {});
    if (stats.outcome !== 'reply' || !Array.isArray(stats.body.items)) {
      throw new Error(`gateway.stats: ${JSON.stringify(stats)}`);
    }
  });

  await step('the bridge refuses what a browser may not do', async () => {
    expectRefused(await probe('send', 'mesh.users', { action: 'list' }), 'access_denied',
      'send to mesh.users (not open to browsers)');
    expectRefused(await probe('send', 'mesh.inventory', { action: 'restock' }), 'rejected',
      'send restock to mesh.inventory (only list/get are open)');
    expectRefused(await probe('send', 'mesh.inventory', {}), 'rejected',
      'send to mesh.inventory without an action');
    expectRefused(await probe('publish', 'events.order.confirmed', {}), 'rejected',
      'publish a forged events.order.confirmed');
    expectRefused(await probe('register', 'mesh.orders', {}), 'access_denied',
      'register a consumer on mesh.orders');
  });

  const sku = `MUG-${run}`;
  await step('a new product appears with its stock', async () => {
    await api('POST', '/api/inventory/products', { sku, name: `Dashboard mug ${run}`, priceCents: 1250, available: 10 });
    await page.waitForSelector(`#products tr[data-sku="${sku}"][data-available="10"]`, { timeout: STEP_MS });
  });

  const user = await api('POST', '/api/users', { email: `dash-${run}@example.com`, name: 'Dashboard Tester' });

  await step('the charts show the requests made to a service, with their rate and p99', async () => {
    const calls = 20;
    // at once, so that all of them fall in the gateway's 10 s window
    await Promise.all(Array.from({ length: calls }, () => api('GET', `/api/users/${user.id}`)));
    await expectLatest('users', 'requests', calls);
    await expectLatest('users', 'p99Ms', Number.MIN_VALUE);
    for (const chart of ['rate', 'p99', 'errors']) {
      await expectChart(chart, 'users');
    }
  });

  const orderOf = async (quantity) => {
    const created = await api('POST', '/api/orders', { userId: user.id, items: [{ sku, quantity }] },
      { 'Idempotency-Key': randomUUID() });
    const orderId = created.orderId || created.id;
    if (!orderId) throw new Error(`no order id in ${JSON.stringify(created)}`);
    log(`order ${orderId} created as ${created.status}`);
    await page.waitForSelector(`#orders tr[data-order="${orderId}"]`, { timeout: STEP_MS });
    await page.waitForSelector(`#orders tr[data-order="${orderId}"][data-status="CONFIRMED"]`, { timeout: STEP_MS });
    return orderId;
  };

  await step('an order created through the API appears and reaches CONFIRMED without a reload', async () => {
    await orderOf(3);
    // the saga reserved and committed 3 of 10
    await page.waitForSelector(`#products tr[data-sku="${sku}"][data-available="7"]`, { timeout: STEP_MS });
  });

  await step('the saga chart counts the confirmed order', async () => {
    await page.waitForFunction(() => Number(document.getElementById('saga-latest').dataset.confirmed) >= 1,
      null, { timeout: STEP_MS });
    await expectChart('sagas', 'confirmed');
  });

  await step('a restock changes the stock on the page', async () => {
    await api('POST', `/api/inventory/products/${sku}/restock`, { quantity: 5 });
    await page.waitForSelector(`#products tr[data-sku="${sku}"][data-available="12"]`, { timeout: STEP_MS });
  });

  await step('a stopped service goes away on the page and comes back when restarted', async () => {
    control('stop', 'user-verticle');
    await page.waitForSelector('.service.down[data-service="users"][data-instances="0"]', { timeout: RESTART_MS });
    // with no instance the mesh cannot answer: the errors chart shows it
    const status = await statusOf('GET', `/api/users/${user.id}`);
    if (status < 500) throw new Error(`GET a user with users stopped answered ${status}, not a 5xx`);
    await expectLatest('users', 'errorRatio', Number.MIN_VALUE);
    control('start', 'user-verticle');
    await expectInstances('users', 1, RESTART_MS);
  });

  await step('a restarted gateway: the page reconnects by itself and is live again', async () => {
    control('stop', 'gateway-verticle');
    await page.waitForSelector('#connection[data-state="reconnecting"]', { timeout: RESTART_MS });
    control('start', 'gateway-verticle');
    await page.waitForSelector('#connection[data-state="live"]', { timeout: RESTART_MS });
    for (const name of ['users', 'inventory', 'orders']) {
      await expectInstances(name, 1, RESTART_MS);
    }
  });

  await step('after the reconnection, events still arrive: a second order shows up CONFIRMED', async () => {
    await orderOf(2);
    await page.waitForSelector(`#products tr[data-sku="${sku}"][data-available="10"]`, { timeout: STEP_MS });
  });

  await step('the page was never reloaded', async () => {
    // a reload would have dropped this mark, set on the first load
    if (!await page.evaluate(() => window.markOfFirstLoad === true)) throw new Error('the page was reloaded');
  });

  await page.waitForTimeout(2000); // let the change highlights fade, for a calm picture
  await shoot('live');
  await page.screenshot({ path: join(screenshots, 'dashboard.png'), fullPage: true });
  log(`screenshot ${join(screenshots, 'dashboard.png')}`);
}

main().then(() => {
  log('all steps passed');
  process.exit(0);
}, (e) => {
  log(`failed: ${e.stack || e}`);
  process.exit(1);
});
