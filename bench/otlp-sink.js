// A trivial OTLP/HTTP trace receiver for `bench/run costs`: it accepts POST /v1/traces, reads the body,
// answers 200 with an empty (valid) protobuf response, and counts what it got so the bench can show that
// spans were really exported. GET /stats answers {"posts": n, "bytes": n}. Listens on 127.0.0.1 only.
'use strict';
const http = require('http');

const port = Number(process.argv[2]);
let posts = 0;
let bytes = 0;

http.createServer((request, response) => {
  let size = 0;
  request.on('data', (chunk) => { size += chunk.length; });
  request.on('end', () => {
    if (request.method === 'POST' && request.url === '/v1/traces') {
      posts += 1;
      bytes += size;
      response.writeHead(200, { 'Content-Type': 'application/x-protobuf', 'Content-Length': 0 });
      response.end();
    } else if (request.method === 'GET' && request.url === '/stats') {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ posts, bytes }));
    } else {
      response.writeHead(404);
      response.end();
    }
  });
}).listen(port, '127.0.0.1', () => console.log(`otlp sink ready on 127.0.0.1:${port}`));
