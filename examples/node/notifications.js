#!/usr/bin/env node
// Notifications: a mesh service in Node, no dependencies beyond Node 18+ (global fetch).
//
// It joins the mesh through the gateway's HTTP bridge (docs/bridge.md) and then
//   - reads events.order.confirmed and events.order.rejected from the bridge's event stream (SSE),
//   - for each order, calls mesh.users and mesh.inventory through the bridge to write a notification,
//   - serves GET /api/notifications/:userId through the gateway,
//   - serves the event-bus address mesh.notifications (action "list", body {"userId"}).
//
// Settings (environment): MESH_GATEWAY (http://127.0.0.1:8080), BRIDGE_SECRET (the local mesh's by default),
// PORT (9102; 0 takes a free one).
'use strict';
const http = require('node:http');

const GATEWAY = process.env.MESH_GATEWAY || 'http://127.0.0.1:8080';
// the operator's secret; beside a local ./mesh up, the one it made (./mesh bridge-secret prints it)
const SECRET = process.env.BRIDGE_SECRET
  || require('node:fs').readFileSync(require('node:path').join(__dirname, '../../var/data/gateway/bridge.secret'), 'ascii').trim();
let credential = null; // its own, from the registration answer; the bootstrap secret only registers
const auth = (registering) => ({ Authorization: 'Bearer ' + (registering || !credential ? SECRET : credential) });
const PORT = Number(process.env.PORT || 9102);
const log = (...args) => console.log(new Date().toISOString(), 'notifications', ...args);

/** One call to the gateway's bridge: {status, body}. */
async function bridge(method, path, body) {
  const response = await fetch(GATEWAY + path, {
    method,
    headers: { ...auth(method === 'POST' && path === '/bridge/services'), 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {} };
}

const request = (address, action, body) => bridge('POST', '/bridge/request', { address, action, body });

// userId -> notifications, newest last; each order event once (by eventId)
const notifications = new Map();
const seen = new Set();

async function onOrderEvent(address, order) {
  if (seen.has(order.eventId)) return;
  seen.add(order.eventId);
  const user = await request('mesh.users', 'get', { id: order.userId });
  const names = [];
  for (const item of order.items || []) {
    const product = await request('mesh.inventory', 'get', { sku: item.sku });
    names.push(`${item.quantity} x ${product.status === 200 ? product.body.name : item.sku}`);
  }
  const confirmed = address === 'events.order.confirmed';
  const text = confirmed ? `Your order of ${names.join(', ')} is confirmed.`
    : `Sorry, your order of ${names.join(', ')} could not be completed${order.reason ? ': ' + order.reason : ''}.`;
  const note = { orderId: order.orderId, eventId: order.eventId, kind: confirmed ? 'confirmed' : 'rejected',
    to: user.status === 200 ? user.body.email : null, text };
  if (!notifications.has(order.userId)) notifications.set(order.userId, []);
  notifications.get(order.userId).push(note);
  log(`notified ${order.userId} (${note.to}): ${text}`);
}

/** Reads the SSE stream; resolves once subscribed, keeps reading (and reconnecting) after that. */
function listen(addresses) {
  return new Promise((subscribed) => {
    const connect = async () => {
      try {
        const response = await fetch(`${GATEWAY}/bridge/events?address=${addresses.join(',')}`, { headers: auth(false) });
        if (response.status !== 200) throw new Error(`stream refused: ${response.status} ${await response.text()}`);
        let buffer = '';
        for await (const chunk of response.body) {
          buffer += Buffer.from(chunk).toString('utf8');
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (frame.startsWith(': {"subscribed"')) subscribed();
            const data = frame.split('\n').find((line) => line.startsWith('data: '));
            if (data) {
              const event = JSON.parse(data.slice(6));
              onOrderEvent(event.address, event.body).catch((e) => log('could not notify:', e.message));
            }
          }
        }
      } catch (e) {
        log('event stream:', e.message);
      }
      setTimeout(connect, 1000); // the stream ended (gateway restart?): reconnect
    };
    connect();
  });
}

function answer(response, status, body) {
  const data = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) });
  response.end(data);
}

const list = (userId) => ({ userId, notifications: notifications.get(userId) || [] });

const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => { body += chunk; });
  req.on('end', () => {
    const path = new URL(req.url, 'http://x').pathname.split('/');
    if (req.method === 'GET' && path[1] === 'api' && path[2] === 'notifications' && path.length === 4) {
      return answer(res, 200, list(decodeURIComponent(path[3])));
    }
    if (req.method === 'POST' && req.url === '/mesh/messages') { // a message to mesh.notifications
      const envelope = JSON.parse(body || '{}');
      if (envelope.action === 'list') return answer(res, 200, list(envelope.body.userId));
      return answer(res, 400, { status: 400, error: 'bad_request', message: `unknown action '${envelope.action}'` });
    }
    answer(res, 404, { status: 404, error: 'not_found', message: `no route ${req.method} ${req.url}` });
  });
});
server.keepAliveTimeout = 60_000; // longer than the gateway keeps idle connections: it closes first

async function join(baseUrl) {
  for (;;) {
    try {
      const { status, body } = await bridge('POST', '/bridge/services', {
        name: 'notifications',
        baseUrl,
        routes: [{ method: 'GET', path: '/api/notifications/:userId' }],
        addresses: ['mesh.notifications'],
      });
      if (status !== 201) throw Object.assign(new Error(`registration refused: ${status} ${JSON.stringify(body)}`), { fatal: true });
      credential = body.credential;
      log('joined the mesh as', body.id);
      return body.id;
    } catch (e) {
      if (e.fatal) throw e;
      log(`gateway ${GATEWAY} not reachable (${e.message}); retrying`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

server.listen(PORT, '127.0.0.1', async () => {
  const baseUrl = `http://127.0.0.1:${server.address().port}`;
  log('serving on', baseUrl);
  // subscribe first: once the gateway routes to us, no order event is missed
  await listen(['events.order.confirmed', 'events.order.rejected']);
  let id = await join(baseUrl);
  const beat = setInterval(async () => { // heartbeat every 2 s; 404: the gateway forgot us, join again
    try {
      if ((await bridge('PUT', `/bridge/services/${id}/heartbeat`)).status === 404) id = await join(baseUrl);
    } catch (e) {
      log('heartbeat failed:', e.message);
    }
  }, 2000);
  const leave = async () => { // SIGTERM / Ctrl-C: deregister, then exit
    clearInterval(beat);
    await bridge('DELETE', `/bridge/services/${id}`).catch(() => {});
    log('left the mesh');
    process.exit(0);
  };
  process.on('SIGTERM', leave);
  process.on('SIGINT', leave);
});
