/*
 * The live dashboard: one event-bus connection (SockJS bridge at /eventbus), a few panels (charts.js
 * draws the charts).
 * On every (re)connection it registers for the events it shows and reads the current state once;
 * after that, events keep the page current. What a browser may send or receive is decided by the
 * gateway (see README, "Dashboard"), not here.
 */
(function () {
  'use strict';

  var MAX_ORDERS = 10;
  var MAX_EVENTS = 40;
  var ORDER_EVENTS = ['events.order.created', 'events.order.confirmed', 'events.order.rejected',
    'events.order.cancelled'];

  var state = {
    connected: null,
    everConnected: false,
    status: null,
    products: new Map(), // sku -> product
    orders: new Map(), // orderId -> order (with .seen for ordering)
    seenEvents: [], // recent eventIds, oldest first: events can arrive twice
    sequence: 0
  };

  var bus = null;

  // ---- connection -------------------------------------------------------------------------------

  function connect() {
    bus = new EventBus('/eventbus', { vertxbus_reconnect_delay_max: 3000 });
    bus.enableReconnect(true);
    bus.onopen = function () {
      setConnected(true);
      subscribe();
      loadCurrentState();
    };
    bus.onclose = function () {
      setConnected(false); // called again for every failed attempt while the gateway is away
    };
    bus.onerror = function (error) {
      logEvent('bridge', 'refused: ' + (error && (error.body || error.message) || 'error'));
    };
  }

  function subscribe() {
    bus.registerHandler('events.mesh.status', function (err, msg) {
      if (!err) { showStatus(msg.body); }
    });
    bus.registerHandler('events.mesh.stats', function (err, msg) {
      if (!err) { window.meshCharts.add(msg.body); }
    });
    bus.registerHandler('events.inventory.changed', function (err, msg) {
      if (!err && firstTime(msg.body)) { productChanged(msg.body, 'events.inventory.changed'); }
    });
    ORDER_EVENTS.forEach(function (address) {
      bus.registerHandler(address, function (err, msg) {
        if (!err && firstTime(msg.body)) { orderChanged(msg.body, address); }
      });
    });
  }

  function loadCurrentState() {
    request('gateway.status', {}, null, showStatus);
    // the charts' last minutes, as this gateway kept them
    request('gateway.stats', {}, null, function (reply) { window.meshCharts.history(listOf(reply, 'items')); });
    request('mesh.inventory', { limit: 100 }, 'list', function (reply) {
      listOf(reply, 'products').forEach(function (p) { mergeProduct(p, false); });
      renderProducts();
    });
    // the gateway keeps the last orders it saw: the orders service lists oldest first
    request('gateway.orders.recent', {}, null, function (reply) {
      listOf(reply, 'orders').forEach(function (o) { mergeOrder(o, false); });
      renderOrders();
    });
  }

  /** A read through the bridge; a failure is shown in the event list, the panel keeps what it had. */
  function request(address, body, action, onReply) {
    var headers = action ? { action: action } : {};
    try {
      bus.send(address, body, headers, function (err, msg) {
        if (err) {
          logEvent(address, (action || 'read') + ' failed: ' + describeFailure(err));
        } else {
          onReply(msg.body);
        }
      });
    } catch (notOpen) {
      // the socket closed in between; the next onopen reads again
    }
  }

  function describeFailure(err) {
    try {
      return JSON.parse(err.message).message;
    } catch (notJson) {
      return err.message || err.failureType || 'error';
    }
  }

  /** Lists come as {products:[…]}, {orders:[…]}, {items:[…]} or a bare array. */
  function listOf(reply, name) {
    if (Array.isArray(reply)) { return reply; }
    if (!reply) { return []; }
    return reply[name] || reply.items || reply.results || [];
  }

  function firstTime(event) {
    if (!event || !event.eventId) { return true; }
    if (state.seenEvents.indexOf(event.eventId) >= 0) { return false; }
    state.seenEvents.push(event.eventId);
    if (state.seenEvents.length > 500) { state.seenEvents.shift(); }
    return true;
  }

  // ---- services ---------------------------------------------------------------------------------

  function showStatus(status) {
    if (!status || !status.services) { return; }
    var before = state.status;
    state.status = status;
    if (before) { logServiceChanges(before, status); }
    renderServices();
  }

  function logServiceChanges(before, after) {
    var old = new Map(before.services.map(function (s) { return [s.name, s]; }));
    after.services.forEach(function (s) {
      var was = old.get(s.name);
      var wasCount = was ? was.instances.length : 0;
      if (wasCount !== s.instances.length) {
        logEvent('mesh', s.name + ': ' + wasCount + ' → ' + s.instances.length + ' instance(s)');
      }
      if (was && was.breaker !== s.breaker) {
        logEvent('mesh', s.name + ' breaker ' + was.breaker + ' → ' + s.breaker);
      }
    });
  }

  function renderServices() {
    var status = state.status;
    var root = document.getElementById('services');
    document.getElementById('cluster').textContent = 'cluster: ' + status.cluster.members + ' node(s)';
    root.replaceChildren.apply(root, status.services.map(serviceCard));
  }

  function serviceCard(service) {
    var up = service.instances.length > 0;
    var card = el('article', 'service' + (up ? '' : ' down'));
    card.dataset.service = service.name;
    card.dataset.instances = String(service.instances.length);
    card.dataset.breaker = service.breaker;
    var head = el('header');
    head.append(el('span', 'name', service.name),
      el('span', 'pill ' + (up ? 'pill-ok' : 'pill-bad'), up ? 'up' : 'down'));
    var badges = el('div', 'badges');
    badges.append(
      el('span', 'pill pill-info', service.instances.length + ' instance' + (service.instances.length === 1 ? '' : 's')),
      el('span', 'pill ' + breakerClass(service.breaker), 'breaker ' + service.breaker.toLowerCase().replace('_', '-')));
    var list = el('ul');
    service.instances.forEach(function (i) {
      list.append(el('li', 'mono', short(i.instance) + ' @ node ' + short(i.node) + ' · v' + i.version));
    });
    (service.down || []).forEach(function (i) {
      list.append(el('li', 'mono down', short(i.instance) + ' @ node ' + short(i.node) + ' · cannot serve: ' + (i.reason || 'down')));
    });
    if (!up) { list.append(el('li', null, 'no instance serving')); }
    card.append(head, badges, list);
    return card;
  }

  function breakerClass(breaker) {
    return breaker === 'CLOSED' ? 'pill-ok' : breaker === 'OPEN' ? 'pill-bad' : 'pill-wait';
  }

  // ---- products ---------------------------------------------------------------------------------

  function productChanged(event, address) {
    var known = state.products.has(event.sku);
    mergeProduct(event, true);
    renderProducts();
    logEvent(address, event.sku + ': ' + event.available + ' available');
    if (!known || !state.products.get(event.sku).name) {
      // an event carries the stock, not always the name and price: read them once
      request('mesh.inventory', { sku: event.sku }, 'get', function (p) { mergeProduct(p, false); renderProducts(); });
    }
  }

  function mergeProduct(p, changed) {
    if (!p || !p.sku) { return; }
    var current = state.products.get(p.sku) || {};
    var merged = Object.assign({}, current, withoutUndefined(p));
    merged.changed = changed;
    state.products.set(p.sku, merged);
  }

  function renderProducts() {
    var rows = Array.from(state.products.values()).sort(function (a, b) { return a.sku < b.sku ? -1 : 1; });
    var body = document.getElementById('products');
    if (!rows.length) { return; }
    body.replaceChildren.apply(body, rows.map(function (p) {
      var tr = el('tr', p.changed ? 'flash' : null);
      tr.dataset.sku = p.sku;
      tr.dataset.available = String(p.available);
      tr.append(el('td', 'mono', p.sku), el('td', null, p.name || ''),
        el('td', 'num', money(p.priceCents)), el('td', 'num available', num(p.available)),
        el('td', 'num', num(p.reserved)), el('td', 'num', num(p.sold)));
      p.changed = false;
      return tr;
    }));
  }

  // ---- orders -----------------------------------------------------------------------------------

  function orderChanged(event, address) {
    mergeOrder(event, true);
    renderOrders();
    logEvent(address, short(event.orderId) + ' ' + event.status + (event.reason ? ' (' + event.reason + ')' : ''));
  }

  function mergeOrder(o, changed) {
    var id = o && (o.orderId || o.id);
    if (!id) { return; }
    var current = state.orders.get(id);
    var merged = Object.assign({ seen: ++state.sequence }, current || {}, withoutUndefined(o));
    merged.orderId = id;
    merged.changed = changed;
    merged.updated = new Date();
    // a late list reply must not take an order back to an earlier state than an event already showed
    if (current && !changed && rank(current.status) > rank(o.status)) { merged.status = current.status; }
    state.orders.set(id, merged);
  }

  function rank(status) {
    return status === 'PENDING' ? 0 : status ? 1 : -1;
  }

  function renderOrders() {
    var rows = Array.from(state.orders.values()).sort(newestFirst).slice(0, MAX_ORDERS);
    var keep = new Set(rows.map(function (o) { return o.orderId; }));
    state.orders.forEach(function (o, id) { if (!keep.has(id)) { state.orders.delete(id); } });
    var body = document.getElementById('orders');
    if (!rows.length) { return; }
    body.replaceChildren.apply(body, rows.map(function (o) {
      var tr = el('tr', o.changed ? 'flash' : null);
      tr.dataset.order = o.orderId;
      tr.dataset.status = o.status || '';
      tr.append(el('td', 'mono', short(o.orderId)), el('td', 'mono', short(o.userId)),
        el('td', null, itemsText(o.items)),
        statusCell(o),
        el('td', 'muted', clock(o.updated)));
      o.changed = false;
      return tr;
    }));
  }

  function newestFirst(a, b) {
    var ta = Date.parse(a.createdAt || '') || 0;
    var tb = Date.parse(b.createdAt || '') || 0;
    return tb - ta || b.seen - a.seen;
  }

  function statusCell(o) {
    var td = el('td');
    var cls = o.status === 'CONFIRMED' ? 'pill-ok' : o.status === 'PENDING' ? 'pill-wait' : 'pill-bad';
    var pill = el('span', 'pill status ' + cls, o.status || '?');
    if (o.reason) { pill.title = o.reason; }
    td.append(pill);
    return td;
  }

  function itemsText(items) {
    if (!Array.isArray(items)) { return ''; }
    return items.map(function (i) { return i.quantity + ' × ' + i.sku; }).join(', ');
  }

  // ---- event list and helpers -------------------------------------------------------------------

  function logEvent(source, text) {
    var list = document.getElementById('events');
    var li = el('li', 'flash');
    li.append(el('time', null, clock(new Date())), el('span', 'mono', source), el('span', null, text));
    list.prepend(li);
    while (list.children.length > MAX_EVENTS) { list.lastElementChild.remove(); }
  }

  function setConnected(connected) {
    var changed = state.connected !== connected;
    var everConnected = state.everConnected;
    state.connected = connected;
    state.everConnected = everConnected || connected;
    var pill = document.getElementById('connection');
    pill.dataset.state = connected ? 'live' : 'reconnecting';
    pill.textContent = connected ? 'live' : 'reconnecting…';
    pill.className = 'pill ' + (connected ? 'pill-ok' : 'pill-bad');
    // what the page shows is only as fresh as the connection
    document.querySelector('main').classList.toggle('stale', !connected);
    if (changed) {
      logEvent('bridge', connected ? (everConnected ? 'reconnected' : 'connected') : 'connection lost, reconnecting');
    }
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function withoutUndefined(o) {
    var copy = {};
    Object.keys(o).forEach(function (k) { if (o[k] !== undefined && o[k] !== null) { copy[k] = o[k]; } });
    return copy;
  }

  function clock(date) {
    return date.toLocaleTimeString([], { hour12: false });
  }

  function short(id) {
    return id ? String(id).slice(0, 8) : '–';
  }

  function num(n) {
    return n === undefined || n === null ? '' : String(n);
  }

  function money(cents) {
    return typeof cents === 'number' ? (cents / 100).toFixed(2) : '';
  }

  // for tests and the curious: the live connection and what the page holds
  window.dashboard = {
    bus: function () { return bus; },
    state: state
  };

  connect();
}());
