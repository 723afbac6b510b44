// The seeds' gateway as a bench peer: one Express 5 process whose only route proxies to the constant
// backend through http-proxy-middleware 3, over a keep-alive agent (as the gateway and nginx do).
// Usage: node gateway.js <port> <backendPort>; listens on 127.0.0.1 only.
'use strict';
const http = require('node:http');
const express = require('express');
const { createProxyMiddleware } = require('http-proxy-middleware');

const [port, backendPort] = process.argv.slice(2).map(Number);
if (!port || !backendPort) {
  console.error('usage: node gateway.js <port> <backendPort>');
  process.exit(2);
}

const app = express();
app.disable('x-powered-by');
app.use('/api/bench', createProxyMiddleware({
  target: `http://127.0.0.1:${backendPort}/api/bench`,
  agent: new http.Agent({ keepAlive: true, maxSockets: 64 }),
  changeOrigin: false,
}));

const server = app.listen(port, '127.0.0.1', () => console.log(`express gateway on 127.0.0.1:${port} -> ${backendPort}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
