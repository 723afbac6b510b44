#!/usr/bin/env python3
"""Recommendations: a mesh service in Python, standard library only.

It joins the mesh through the gateway's HTTP bridge (docs/bridge.md) and then
  - serves GET /api/recommendations/<userId> through the gateway,
  - serves the event-bus address mesh.recommendations (action "recommend", body {"userId"}),
  - calls mesh.users through the bridge to check the user,
  - receives events.order.confirmed by webhook, and recommends what others bought,
  - joins the caller's trace: the W3C traceparent of what the bridge sends it goes back on its own
    calls into the bridge, so its work shows in the same OpenTelemetry trace, and its log quotes the
    trace id of each event it takes.

Settings (environment): MESH_GATEWAY (http://127.0.0.1:8080), BRIDGE_SECRET (the local mesh's by default),
PORT (9101; 0 takes a free one), HOST (127.0.0.1: the address it listens on and gives the gateway, e.g. this
host's address when the gateway runs on another host).
"""
import json
import logging
import os
import signal
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

GATEWAY = os.environ.get("MESH_GATEWAY", "http://127.0.0.1:8080")
# the operator's secret; beside a local ./mesh up, the one it made (./mesh bridge-secret prints it)
SECRET = os.environ.get("BRIDGE_SECRET") or open(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                              "../../var/data/gateway/bridge.secret")).read().strip()
PORT = int(os.environ.get("PORT", "9101"))
HOST = os.environ.get("HOST", "127.0.0.1")
log = logging.getLogger("recommendations")
# the trace of the request this thread is handling (each request has its own thread)
current = threading.local()


credential = None  # its own, from the registration answer; the bootstrap secret only registers


def bridge(method, path, body=None):
    """One call to the gateway's bridge; returns (HTTP status, JSON answer)."""
    data = None if body is None else json.dumps(body).encode()
    registering = method == "POST" and path == "/bridge/services"
    token = SECRET if registering or credential is None else credential
    headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    if getattr(current, "traceparent", None):
        headers["traceparent"] = current.traceparent  # the call joins the trace of the request
    request = urllib.request.Request(GATEWAY + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


# What the service knows: the confirmed orders it has seen (each event once, by eventId).
lock = threading.Lock()
seen = set()
sold = Counter()   # sku -> units in confirmed orders
bought = {}        # userId -> skus that user bought


def trace_id(traceparent):
    """The trace id of a W3C traceparent (version-traceid-parentid-flags), or "-" without one."""
    parts = (traceparent or "").split("-")
    return parts[1] if len(parts) == 4 and len(parts[1]) == 32 else "-"


def on_order_confirmed(order):
    with lock:
        if order.get("eventId") in seen:
            return
        seen.add(order.get("eventId"))
        # the webhook's traceparent names the mesh's trace of this event: quote it next to the work
        log.info("order %s confirmed (trace %s)", order.get("orderId"), trace_id(current.traceparent))
        for item in order.get("items", []):
            sold[item["sku"]] += item.get("quantity", 1)
            bought.setdefault(order.get("userId"), set()).add(item["sku"])


def recommend(user_id):
    """(status, body): best sellers this user has not bought yet; the user must exist in mesh.users."""
    status, user = bridge("POST", "/bridge/request",
                          {"address": "mesh.users", "action": "get", "body": {"id": user_id}})
    if status != 200:
        return status, user  # the users service's own error (404 unknown user, 400 malformed id)
    with lock:
        mine = bought.get(user_id, set())
        picks = [sku for sku, _ in sold.most_common() if sku not in mine][:5]
        return 200, {"userId": user_id, "name": user.get("name"), "recommendations": picks,
                     "ordersSeen": len(seen)}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the gateway reuses its connections

    def handle_one_request(self):
        current.traceparent = None
        super().handle_one_request()

    def parse_request(self):
        ok = super().parse_request()
        if ok:
            current.traceparent = self.headers.get("traceparent")
        return ok

    def do_GET(self):
        path = urlsplit(self.path).path.split("/")
        if path[1:3] == ["api", "recommendations"] and len(path) == 4:
            self.answer(*recommend(path[3]))
        elif path[1:] == ["health"]:
            self.answer(200, {"status": "UP"})
        else:
            self.answer(404, {"status": 404, "error": "not_found", "message": "no route " + self.path})

    def do_POST(self):
        envelope = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        if self.path == "/mesh/events":          # a webhook delivery: {address, headers, body, ...}
            on_order_confirmed(envelope["body"])
            self.answer(200, {})
        elif self.path == "/mesh/messages" and envelope.get("action") == "recommend":
            self.answer(*recommend(envelope["body"].get("userId", "")))
        else:
            self.answer(400, {"status": 400, "error": "bad_request",
                              "message": "unknown action %r" % envelope.get("action")})

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass  # quiet: one line per request is too much for a service log


def join(base_url):
    """Registers with the gateway, waiting for it if it is not up yet; returns the service id."""
    global credential
    registration = {
        "name": "recommendations",
        "baseUrl": base_url,
        "routes": [{"method": "GET", "path": "/api/recommendations/:userId"}],
        "addresses": ["mesh.recommendations"],
        "subscriptions": ["events.order.confirmed"],
    }
    while True:
        try:
            status, answer = bridge("POST", "/bridge/services", registration)
        except OSError as error:
            log.info("gateway %s not reachable (%s); retrying", GATEWAY, error)
            time.sleep(1)
            continue
        if status != 201:
            sys.exit("registration refused: %s %s" % (status, answer))
        credential = answer["credential"]
        log.info("joined the mesh as %s", answer["id"])
        return answer["id"]


def main():
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    server = ThreadingHTTPServer((HOST, PORT), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base_url = "http://%s:%d" % (HOST, server.server_address[1])
    log.info("serving on %s", base_url)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # SIGTERM: leave cleanly (finally below)
    service_id = join(base_url)
    try:
        while True:  # heartbeat every 2 s; a 404 means the gateway forgot us (it restarted): join again
            time.sleep(2)
            try:
                status, _ = bridge("PUT", "/bridge/services/%s/heartbeat" % service_id)
                if status == 404:
                    service_id = join(base_url)
            except OSError as error:
                log.warning("heartbeat failed: %s", error)
    finally:
        try:
            bridge("DELETE", "/bridge/services/" + service_id)
            log.info("left the mesh")
        except OSError:
            pass


if __name__ == "__main__":
    main()
