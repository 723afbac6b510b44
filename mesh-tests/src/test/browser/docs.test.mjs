// Drives the API explorer (/docs) in a real headless Chromium (Debian's, through playwright-core)
// against a running mesh: the page lists the operations of users, inventory and orders from the live
// /openapi.json, and "Try it out" of GET /api/inventory/products answers 200 on the page. Fails on any
// Content-Security-Policy violation. Started by ApiDescriptionEndToEndTest. Exit 0 when every step passed.
//   GATEWAY_URL      the gateway, e.g. http://127.0.0.1:18080 (required)
//   SCREENSHOT_DIR   where the screenshot goes (default: ./screenshots)
//   CHROMIUM_PATH    the browser (default: /usr/bin/chromium)
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

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
const STEP_MS = 30_000;

function log(message) {
  console.log(`[docs] ${message}`);
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

mkdirSync(screenshots, { recursive: true });
const browser = await chromium.launch({ executablePath, args: CHROMIUM_FLAGS, timeout: STEP_MS });
let page;
let failed = false;
try {
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(STEP_MS);
  const violations = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  page.on('pageerror', (error) => violations.push(`page error: ${error.message}`));
  // the browser's own report of every refused style, script or connection, besides its console line
  await page.addInitScript(() => document.addEventListener('securitypolicyviolation', (e) =>
    console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`)));

  await page.goto(`${gateway}/docs`);
  await page.locator('.opblock').first().waitFor();
  const ids = await page.locator('.opblock-summary-operation-id').allTextContents();
  log(`${ids.length} operations listed: ${ids.join(', ')}`);
  for (const id of ['users.create', 'users.get', 'inventory.list', 'inventory.reserve', 'orders.create', 'orders.get']) {
    check(ids.includes(id), `operation ${id} is not on the page`);
  }
  log('ok: the users, inventory and orders operations are listed');

  const list = page.locator('.opblock').filter({
    has: page.locator('.opblock-summary-operation-id', { hasText: /^inventory\.list$/ }),
  });
  await list.locator('.opblock-summary').first().click();
  await list.locator('.try-out__btn').click();
  await list.locator('button.execute').click();
  const status = list.locator('.live-responses-table .response .response-col_status').first();
  await status.waitFor();
  const code = (await status.textContent()).trim();
  const body = (await list.locator('.live-responses-table .response-col_description pre').first().textContent()) || '';
  log(`try it out: GET /api/inventory/products answered ${code}: ${body.slice(0, 120).replace(/\s+/g, ' ')}`);
  check(code === '200', `expected 200 on the page, saw ${code}`);
  check(body.includes('"items"'), 'the answer on the page is the product page');

  check(violations.length === 0, `the page broke its Content-Security-Policy:\n${violations.join('\n')}`);
  log('ok: no Content-Security-Policy violation');
  await status.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(screenshots, 'docs.png'), fullPage: false });
} catch (e) {
  failed = true;
  log(`FAILED: ${e.message}`);
  if (page) await page.screenshot({ path: join(screenshots, 'docs-failure.png'), fullPage: true }).catch(() => {});
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
