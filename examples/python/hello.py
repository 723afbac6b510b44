#!/usr/bin/env python3
"""The smallest mesh service: joins through the bridge and serves GET /api/hello/:name. Stdlib only."""
import json, os, threading, time, urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

GATEWAY = os.environ.get("MESH_GATEWAY", "http://127.0.0.1:8080")
# the operator's secret; beside a local ./mesh up, the one it made (./mesh bridge-secret prints it)
SECRET = os.environ.get("BRIDGE_SECRET") or open(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                              "../../var/data/gateway/bridge.secret")).read().strip()
AUTH = {"Authorization": "Bearer " + SECRET}

def bridge(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(GATEWAY + path, data, {**AUTH, "Content-Type": "application/json"}, method=method)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"{}")

class Hello(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):  # the gateway forwards GET /api/hello/<name> here, path and query unchanged
        body = json.dumps({"hello": self.path.split("/")[3].split("?")[0]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

server = ThreadingHTTPServer(("127.0.0.1", int(os.environ.get("PORT", "9100"))), Hello)
threading.Thread(target=server.serve_forever, daemon=True).start()
me = bridge("POST", "/bridge/services", {"name": "hello", "baseUrl": "http://127.0.0.1:%d" % server.server_address[1],
                                        "routes": [{"method": "GET", "path": "/api/hello/:name", "auth": {"public": True}}]})
while True:  # stay alive: a heartbeat every 2 s (a 404 would mean: register again)
    time.sleep(2)
    bridge("PUT", "/bridge/services/%s/heartbeat" % me["id"])
