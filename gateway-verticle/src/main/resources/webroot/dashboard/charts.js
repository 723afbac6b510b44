/*
 * The dashboard's charts (uPlot, bundled from npm): request rate, p99 latency and error ratio per
 * service, and the orders' saga outcomes, over the last minutes. The gateway takes a snapshot every
 * two seconds (events.mesh.stats; its last minutes on gateway.stats); app.js hands them here.
 * Each chart's figure carries data-series (the services drawn) and data-points; the table under the
 * charts shows the latest figures, with data- attributes for each.
 */
(function () {
  'use strict';

  var KEEP_MS = 5 * 60 * 1000;
  var PALETTE = ['#1d5fbf', '#1f8a4c', '#b42318', '#9a6700', '#6f42c1', '#0f7b8a', '#c2410c', '#4b5563'];
  var OUTCOMES = [
    { key: 'confirmed', label: 'confirmed', color: '#1f8a4c' },
    { key: 'rejected', label: 'rejected', color: '#9a6700' },
    { key: 'cancelled', label: 'cancelled', color: '#b42318' }
  ];
  var SERVICE_CHARTS = [
    { id: 'rate', value: function (s) { return s.perSecond; } },
    { id: 'p99', value: function (s) { return s.p99Ms === undefined ? null : s.p99Ms; } },
    { id: 'errors', value: function (s) { return s.errorRatio * 100; } }
  ];

  var snapshots = []; // oldest first, by .at
  var charts = {}; // id -> uPlot
  var drawnServices = ''; // the services the charts were built for, joined

  /** A gateway's history, on (re)connection: keeps the page's own older points. */
  function history(list) {
    var items = (list || []).filter(valid);
    var first = items.length ? items[0].at : Infinity;
    snapshots = snapshots.filter(function (s) { return s.at < first; }).concat(items);
    render();
  }

  function add(snapshot) {
    if (!valid(snapshot)) { return; }
    var last = snapshots[snapshots.length - 1];
    if (last && snapshot.at <= last.at) { return; }
    snapshots.push(snapshot);
    render();
  }

  function valid(s) {
    return s && typeof s.at === 'number' && Array.isArray(s.services);
  }

  function render() {
    var cutoff = Date.now() - KEEP_MS;
    snapshots = snapshots.filter(function (s) { return s.at >= cutoff; });
    var services = serviceNames();
    if (services.join(',') !== drawnServices || !charts.sagas) {
      rebuild(services);
    }
    var xs = snapshots.map(function (s) { return s.at / 1000; });
    SERVICE_CHARTS.forEach(function (chart) {
      var data = [xs].concat(services.map(function (name) {
        return snapshots.map(function (s) {
          var service = find(s, name);
          // a service with no answer in the window: no traffic, no latency to show
          if (!service) { return chart.id === 'p99' ? null : 0; }
          return chart.value(service);
        });
      }));
      show(chart.id, data, services);
    });
    var sagas = [xs].concat(OUTCOMES.map(function (o) {
      return snapshots.map(function (s) { return s.sagas ? s.sagas[o.key] || 0 : null; });
    }));
    show('sagas', sagas, OUTCOMES.map(function (o) { return o.key; }));
    renderLatest(services);
  }

  function serviceNames() {
    var names = new Set();
    snapshots.forEach(function (s) { s.services.forEach(function (svc) { names.add(svc.name); }); });
    return Array.from(names).sort();
  }

  function find(snapshot, name) {
    for (var i = 0; i < snapshot.services.length; i++) {
      if (snapshot.services[i].name === name) { return snapshot.services[i]; }
    }
    return null;
  }

  function rebuild(services) {
    drawnServices = services.join(',');
    SERVICE_CHARTS.forEach(function (chart) {
      create(chart.id, services.map(function (name, i) {
        return { label: name, stroke: PALETTE[i % PALETTE.length], width: 2 };
      }));
    });
    if (!charts.sagas) {
      create('sagas', OUTCOMES.map(function (o) {
        return { label: o.label, stroke: o.color, width: 2 };
      }));
    }
  }

  function create(id, series) {
    var figure = document.querySelector('.chart[data-chart="' + id + '"]');
    var target = figure.querySelector('.plot');
    if (charts[id]) { charts[id].destroy(); }
    charts[id] = new uPlot({
      width: Math.max(target.clientWidth, 200),
      height: 170,
      series: [{}].concat(series),
      scales: { x: { time: true }, y: { range: function (u, min, max) { return [0, Math.max(max || 0, 1)]; } } },
      // the clock alone: the page covers minutes, not days
      axes: [{ space: 70, values: function (u, splits) { return splits.map(clock); } }, { size: 50 }],
      // the legend names the lines; the numbers are in the table under the charts
      legend: { live: false }
    }, [[]].concat(series.map(function () { return []; })), target);
  }

  function show(id, data, names) {
    var chart = charts[id];
    if (!chart) { return; }
    chart.setData(data);
    var figure = document.querySelector('.chart[data-chart="' + id + '"]');
    figure.dataset.series = names.join(',');
    figure.dataset.points = String(data[0].length);
  }

  function clock(seconds) {
    return new Date(seconds * 1000).toLocaleTimeString([], { hour12: false });
  }

  function round(v) {
    return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
  }

  /** The latest snapshot in words: one row per service and one for the sagas. */
  function renderLatest(services) {
    var latest = snapshots[snapshots.length - 1];
    var body = document.getElementById('chart-latest');
    if (!latest) { return; }
    var rows = services.map(function (name) {
      var s = find(latest, name) || { name: name, perSecond: 0, errorRatio: 0, requests: 0 };
      var tr = el('tr');
      tr.dataset.service = name;
      tr.dataset.requests = String(s.requests);
      tr.dataset.errorRatio = String(s.errorRatio);
      if (s.p99Ms !== undefined) { tr.dataset.p99Ms = String(s.p99Ms); }
      tr.append(el('td', 'mono', name), el('td', 'num', String(s.requests)), el('td', 'num', round(s.perSecond)),
        el('td', 'num', s.p99Ms === undefined ? '–' : round(s.p99Ms)), el('td', 'num', round(s.errorRatio * 100)));
      return tr;
    });
    body.replaceChildren.apply(body, rows.length ? rows : [emptyRow()]);
    var sagas = document.getElementById('saga-latest');
    OUTCOMES.forEach(function (o) {
      var value = latest.sagas ? latest.sagas[o.key] || 0 : 0;
      sagas.dataset[o.key] = String(value);
    });
    sagas.textContent = 'last ' + ((latest.sagas && latest.sagas.windowSeconds) || 60) + ' s: ' +
      OUTCOMES.map(function (o) { return sagas.dataset[o.key] + ' ' + o.label; }).join(', ');
    document.getElementById('chart-window').textContent = 'answers in the last ' + latest.windowSeconds + ' s';
  }

  function emptyRow() {
    var tr = el('tr', 'empty');
    var td = el('td', null, 'no requests in the window');
    td.colSpan = 5;
    tr.append(td);
    return tr;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  window.addEventListener('resize', function () {
    Object.keys(charts).forEach(function (id) {
      var target = document.querySelector('.chart[data-chart="' + id + '"] .plot');
      charts[id].setSize({ width: Math.max(target.clientWidth, 200), height: 170 });
    });
  });

  window.meshCharts = { history: history, add: add };
}());
