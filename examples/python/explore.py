#!/usr/bin/env python3
"""A client that knows nothing of the mesh but its address: it reads the live OpenAPI document and calls
routes by operation id, building paths, query and bodies from what the document says. Stdlib only.

    python3 examples/python/explore.py      # MESH_GATEWAY (default http://127.0.0.1:8080), MESH_TOKEN (optional)
"""
import json, os, sys, urllib.error, urllib.parse, urllib.request

GATEWAY = os.environ.get("MESH_GATEWAY", "http://127.0.0.1:8080")
HEADERS = {"Content-Type": "application/json"}
if os.environ.get("MESH_TOKEN"):  # reads of products are public; a token is only needed to create one
    HEADERS["Authorization"] = "Bearer " + os.environ["MESH_TOKEN"]


def http(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(GATEWAY + path, data, HEADERS, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:  # the mesh answers every error as JSON
        return error.code, json.loads(error.read() or b"{}")


def operations(document):
    """operationId -> (method, path template, operation), for every live route."""
    found = {}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            found[operation["operationId"]] = (method.upper(), path, operation)
    return found


def example_body(operation):
    """A body made from the examples in the request schema: every required field, nothing else."""
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    return {name: schema["properties"][name]["examples"][0] for name in schema.get("required", [])}


def call(found, operation_id, path_params=None, query=None, body=None):
    method, template, operation = found[operation_id]
    path = template
    for name, value in (path_params or {}).items():
        path = path.replace("{%s}" % name, urllib.parse.quote(str(value), safe=""))
    declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
    query = {k: v for k, v in (query or {}).items() if k in declared}  # only what the route takes
    if query:
        path += "?" + urllib.parse.urlencode(query)
    status, answer = http(method, path, body)
    print("%s: %s %s -> %d" % (operation_id, method, path, status))
    return status, answer


def main():
    status, document = http("GET", "/openapi.json")
    if status != 200:
        sys.exit("no OpenAPI document at %s/openapi.json (%d)" % (GATEWAY, status))
    found = operations(document)
    print("%s %s: %d operations: %s" % (document["info"]["title"], document["info"]["version"], len(found),
                                         ", ".join(sorted(found))))

    status, page = call(found, "inventory.list", query={"limit": 5})
    if status != 200:
        sys.exit("inventory.list failed: %s" % page)
    print("  %d products on the first page" % len(page["items"]))
    if not page["items"]:  # an empty shop: make the product the document gives as its example
        status, product = call(found, "inventory.create", body=example_body(found["inventory.create"][2]))
        if status != 201:
            sys.exit("inventory.create failed (set MESH_TOKEN if the gateway asks for one): %s" % product)
        page["items"].append(product)

    sku = page["items"][0]["sku"]
    status, product = call(found, "inventory.get", path_params={"sku": sku})
    if status != 200 or product["sku"] != sku:
        sys.exit("inventory.get failed: %s" % product)
    print("  %s: %s, %d available at %d cents" % (sku, product["name"], product["available"], product["priceCents"]))


if __name__ == "__main__":
    main()
