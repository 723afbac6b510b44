package dev.mesh.common.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Hostile requests generated from tables, for any set of routes: bad bodies, paths, queries, headers and
 * methods per route, and for the bridge, bad credentials, bodies, addresses, route paths and patterns.
 * The routes come from where the gateway gets them (the registry, {@code GET /bridge}), so a new route is
 * covered without a change here. Each probe says what the edge owes it: {@link Expect#REJECTED}, a 4xx
 * (one of {@code statuses}, or 401/403 once a route needs a credential) that reaches no service, or
 * {@link Expect#NO_FAULT}, any answer below 500 (a hostile id may well be a plain 404).
 */
public final class HostileCorpus {

  public enum Expect { REJECTED, NO_FAULT }

  /** A route as the registry publishes it: {@code /api/users/:id}. */
  public record Route(String method, String path) {
    public List<String> params() {
      List<String> names = new ArrayList<>();
      for (String segment : path.split("/")) {
        if (segment.startsWith(":")) {
          names.add(segment.substring(1));
        }
      }
      return names;
    }

    boolean reads() {
      return method.equals("GET");
    }
  }

  /** One request; {@code kind} groups probes for the report. */
  public record Probe(String kind, String method, String target, Map<String, String> headers, byte[] body,
      Expect expect, Set<Integer> statuses) {

    public byte[] bytes() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
      headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
      if (body != null) {
        head.append("Content-Length: ").append(body.length).append("\r\n");
      }
      out.writeBytes(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
      if (body != null) {
        out.writeBytes(body);
      }
      return out.toByteArray();
    }

    @Override
    public String toString() {
      return kind + " " + method + " " + shorten(target) + " " + headers.keySet()
          + (body == null ? "" : " body " + shorten(new String(body, StandardCharsets.ISO_8859_1)));
    }
  }

  /** Path values no route means: traversal, escapes, injections, control characters, extremes. */
  static final List<String> HOSTILE_IDS = List.of("..", "%2e%2e", ".", "%00", "%", "%zz", "%c0%af", "%ff%fe",
      "%2f", "a%2fb", "%5c..%5c", "'%20OR%201=1--", "%3Cscript%3E", "-1", "0", "99999999999999999999999",
      "null", "%20", "%E2%80%AE", "%F0%9F%92%A9", "x".repeat(2000), "%u002e", "a;b=c", "~", "%7B%7D");

  private static final JsonObject FORM_FIELDS = new JsonObject().put("a", "1");

  private HostileCorpus() {
  }

  /** Every probe for every route; {@code realPath} fills a route's parameters with things that exist. */
  public static List<Probe> forRoutes(List<Route> routes, Function<Route, String> realPath) {
    List<Probe> probes = new ArrayList<>();
    for (Route route : routes) {
      String path = realPath.apply(route);
      bodies(probes, route, path);
      paths(probes, route);
      queries(probes, route, path);
      headers(probes, route, path);
      methods(probes, routes, path);
    }
    return probes;
  }

  private static void bodies(List<Probe> probes, Route route, String path) {
    Set<Integer> bad = Set.of(400);
    List<String> texts = List.of("{", "{not json", "{\"a\":", "[1,2]", "\"text\"", "42", "null", "true", "{}}",
        "{\"a\":1}{\"b\":2}", "{'a':1}", "{\"a\":01}", "{\"a\":NaN}", "{\"a\":\"\\uZZZZ\"}", "[" .repeat(5000),
        "{\"a\":".repeat(5000) + "1" + "}".repeat(5000));
    for (String text : texts) {
      probes.add(probe("body", route.method(), path, json(), text.getBytes(StandardCharsets.UTF_8), Expect.REJECTED, bad));
    }
    probes.add(probe("body", route.method(), path, json(), new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xff,
        (byte) 0xfe, '"', '}'}, Expect.REJECTED, bad));
    probes.add(probe("body", route.method(), path, json(), "{\"a\":\"\0\"}".getBytes(StandardCharsets.UTF_8),
        Expect.REJECTED, bad));
    probes.add(probe("body", route.method(), path, json(), ("{\"a\":\"" + "x".repeat(70_000) + "\"}")
        .getBytes(StandardCharsets.UTF_8), Expect.REJECTED, Set.of(413)));
    probes.add(probe("body", route.method(), path, Map.of("Content-Type", "text/plain"),
        "hello".getBytes(StandardCharsets.UTF_8), Expect.REJECTED, bad));
    probes.add(probe("body", route.method(), path, Map.of("Content-Type", "application/xml"),
        "<a>1</a>".getBytes(StandardCharsets.UTF_8), Expect.REJECTED, bad));
    // a form is not JSON: a 400 where forms may be decoded, a 415 on any other method
    Set<Integer> form = Set.of(400, 415);
    probes.add(probe("body", route.method(), path, Map.of("Content-Type", "application/x-www-form-urlencoded"),
        "a=1&b=%zz&c".getBytes(StandardCharsets.UTF_8), Expect.REJECTED, form));
    probes.add(probe("body", route.method(), path, Map.of("Content-Type", "application/x-www-form-urlencoded"),
        "a=1&".repeat(3000).getBytes(StandardCharsets.UTF_8), Expect.REJECTED, form));
    probes.add(probe("body", route.method(), path, Map.of("Content-Type", "application/x-www-form-urlencoded"),
        ("a=" + "v".repeat(20_000)).getBytes(StandardCharsets.UTF_8), Expect.REJECTED, form));
    String multipart = "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n" + FORM_FIELDS.encode() + "\r\n--b--\r\n";
    probes.add(probe("body", route.method(), path, Map.of("Content-Type", "multipart/form-data; boundary=b"),
        multipart.getBytes(StandardCharsets.UTF_8), Expect.REJECTED, form));
    probes.add(probe("body", route.method(), path, Map.of("Content-Type", "multipart/form-data"),
        "--x\r\nbroken".getBytes(StandardCharsets.UTF_8), Expect.REJECTED, form));
  }

  private static void paths(List<Probe> probes, Route route) {
    List<String> params = route.params();
    for (String param : params) {
      for (String hostile : HOSTILE_IDS) {
        String target = route.path();
        for (String other : params) {
          target = target.replace(":" + other, other.equals(param) ? hostile : "x");
        }
        probes.add(probe("path", route.method(), target, Map.of(), null, Expect.NO_FAULT, Set.of()));
      }
    }
    for (String suffix : List.of("/%zz", "/%", "/..%2f..%2f", "//", "/./", "/%2e/", ";x=1", "%00", "/" + "y/".repeat(300))) {
      probes.add(probe("path", route.method(), fill(route.path()) + suffix, Map.of(), null, Expect.NO_FAULT, Set.of()));
    }
  }

  private static void queries(List<Probe> probes, Route route, String path) {
    // refused by the gateway itself, whatever the route does with its query
    probes.add(probe("query", route.method(), path + "?a=%zz", Map.of(), null, Expect.REJECTED, Set.of(400)));
    probes.add(probe("query", route.method(), path + "?a=%", Map.of(), null, Expect.REJECTED, Set.of(400)));
    probes.add(probe("query", route.method(), path + "?a=%u0041", Map.of(), null, Expect.REJECTED, Set.of(400)));
    probes.add(probe("query", route.method(), path + "?a=1&a=2", Map.of(), null, Expect.REJECTED, Set.of(400)));
    probes.add(probe("query", route.method(), path + "?a=" + "q".repeat(5000), Map.of(), null, Expect.REJECTED, Set.of(414)));
    for (String param : route.params()) {
      probes.add(probe("query", route.method(), path + "?" + param + "=contradiction", Map.of(), null,
          Expect.REJECTED, Set.of(400)));
    }
    if (!route.reads()) {
      return;
    }
    for (String query : List.of("limit=-1", "limit=abc", "limit=1e999", "limit=99999999999999999999", "limit=",
        "after=%00", "after=' OR 1=1--", "after=" + "z".repeat(1000), "expand=*", "expand=user,user,user,products",
        "expand=" + "a,".repeat(200), "=x", "&&&", "a[b]=c", "limit=%E2%80%AE", "userId=%00", "%00=1")) {
      probes.add(probe("query", route.method(), path + "?" + query, Map.of(), null, Expect.NO_FAULT, Set.of()));
    }
  }

  private static void headers(List<Probe> probes, Route route, String path) {
    Map<String, String> odd = new LinkedHashMap<>();
    odd.put("Content-Type", "application/json; charset=klingon");
    odd.put("Accept", "application/xml");
    odd.put("Idempotency-Key", "k".repeat(4000));
    odd.put("Authorization", "Bearer " + "e".repeat(3000));
    odd.put("X-Forwarded-For", "1.2.3.4, <script>");
    odd.put("Origin", "null");
    odd.put("Content-Encoding", "gzip");
    odd.put("Expect", "100-continue");
    odd.put("Range", "bytes=0-0,-1");
    odd.put("Cookie", "a=" + "c".repeat(3000));
    odd.put("X-Unicode-Value", "caf\u00e9");
    for (Map.Entry<String, String> header : odd.entrySet()) {
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put(header.getKey(), header.getValue());
      if (route.reads()) {
        probes.add(probe("header", route.method(), path, headers, null, Expect.NO_FAULT, Set.of()));
      } else {
        // on a route that writes, with a body the gateway refuses: the header is read, nothing is written
        headers.putIfAbsent("Content-Type", "application/json");
        probes.add(probe("header", route.method(), path, headers, "[\"not an object\"]".getBytes(StandardCharsets.UTF_8),
            Expect.REJECTED, Set.of(400, 417)));
      }
    }
  }

  private static void methods(List<Probe> probes, List<Route> routes, String path) {
    for (String method : List.of("GET", "POST", "PUT", "PATCH", "DELETE", "TRACE", "OPTIONS", "BREW", "PROPFIND", "get")) {
      boolean declared = routes.stream().anyMatch(r -> r.method().equals(method) && matches(r.path(), path));
      if (!declared) {
        probes.add(probe("method", method, path, Map.of(), null, Expect.REJECTED, Set.of(404, 405, 501)));
      }
    }
  }

  /**
   * The gateway's own paths (health, readiness, the dashboard, the browsers' event-bus bridge): they
   * take no body, so every probe is {@link Expect#NO_FAULT}: below 500, and any 4xx in the error shape.
   */
  public static List<Probe> forGatewayPaths(List<String> paths) {
    List<Probe> probes = new ArrayList<>();
    for (String path : paths) {
      for (String suffix : List.of("", "/%zz", "%", "/..%2f..%2fetc%2fpasswd", "/%00", "?a=%zz", "?a=1&a=2", "?x=" + "q".repeat(3000))) {
        probes.add(probe("gateway", "GET", path + suffix, Map.of(), null, Expect.NO_FAULT, Set.of()));
      }
      for (String method : List.of("POST", "PUT", "DELETE", "PATCH", "TRACE", "OPTIONS", "BREW")) {
        probes.add(probe("gateway", method, path, json(), "{".getBytes(StandardCharsets.UTF_8), Expect.NO_FAULT, Set.of()));
      }
      probes.add(probe("gateway", "GET", path, Map.of("Content-Type", "application/x-www-form-urlencoded"),
          "a=1".getBytes(StandardCharsets.UTF_8), Expect.NO_FAULT, Set.of()));
    }
    return probes;
  }

  /**
   * The bridge's calls ({@code routes} as {@code GET /bridge} lists them), each without and with a wrong
   * credential, with bad bodies and hostile ids; and per call what only it takes: addresses, registered
   * route paths, subscription patterns.
   */
  public static List<Probe> forBridge(List<Route> routes, String secret) {
    List<Probe> probes = new ArrayList<>();
    Map<String, String> auth = Map.of("Authorization", "Bearer " + secret, "Content-Type", "application/json");
    for (Route route : routes) {
      String path = fill(route.path());
      probes.add(probe("bridge", route.method(), path, Map.of(), null, Expect.REJECTED, Set.of(401)));
      probes.add(probe("bridge", route.method(), path, Map.of("Authorization", "Bearer wrong"), null,
          Expect.REJECTED, Set.of(401, 403)));
      probes.add(probe("bridge", route.method(), path, Map.of("Authorization", "Basic " + secret), null,
          Expect.REJECTED, Set.of(401, 403)));
      for (String id : List.of("%zz", "%00", "..", "x".repeat(2000))) {
        if (!route.params().isEmpty()) {
          probes.add(probe("bridge", route.method(), route.path().replaceAll(":[^/]+", id), auth, null,
              Expect.NO_FAULT, Set.of()));
        }
      }
      if (route.method().equals("POST") || route.method().equals("PUT")) {
        for (String text : List.of("{", "[1]", "\"a\"", "{\"a\":1}{", "[".repeat(5000))) {
          probes.add(probe("bridge", route.method(), path, auth, text.getBytes(StandardCharsets.UTF_8),
              Expect.REJECTED, Set.of(400, 404)));
        }
      }
    }
    List<String> badAddresses = List.of("\\ud800", "\\udc00x", "mesh.\\u0000users", "a".repeat(60_000), "", " ",
        "mesh users", "mesh.users\\n", "\\u00e9v\\u00e9nement", "mesh.*", "mesh.(users", "../mesh.users");
    for (String call : List.of("/bridge/request", "/bridge/send", "/bridge/publish")) {
      for (String address : badAddresses) {
        probes.add(probe("bridge-address", "POST", call, auth, ("{\"address\":\"" + address + "\",\"body\":{}}")
            .getBytes(StandardCharsets.UTF_8), Expect.REJECTED, Set.of(400)));
      }
      probes.add(probe("bridge-address", "POST", call, auth, "{\"address\":\"not.allowed.anywhere\",\"body\":{}}"
          .getBytes(StandardCharsets.UTF_8), Expect.REJECTED, Set.of(403)));
      probes.add(probe("bridge-address", "POST", call, auth, "{\"address\":[\"mesh.users\"]}"
          .getBytes(StandardCharsets.UTF_8), Expect.REJECTED, Set.of(400)));
    }
    for (String routePath : List.of("/api/corpus/../users", "/api/corpus/./x", "/api/corpus/..", "/api/corpus/%2e%2e/users",
        "/api/corpus//x", "/api/users", "/api/corpusx", "api/corpus/x", "/api/corpus/x?y=1", "/api/corpus/x#f",
        "/api/corpus/\\u0000", "/api/corpus/" + "s/".repeat(500))) {
      JsonObject registration = new JsonObject().put("name", "corpus").put("baseUrl", "http://127.0.0.1:9")
          .put("routes", new JsonArray().add(new JsonObject().put("method", "GET").put("path", routePath)));
      probes.add(probe("bridge-register", "POST", "/bridge/services", auth,
          registration.encode().replace("\\\\u0000", "\\u0000").getBytes(StandardCharsets.UTF_8), Expect.REJECTED, Set.of(400)));
    }
    for (JsonObject registration : List.of(
        new JsonObject().put("name", "corpus").put("baseUrl", "file:///etc/passwd"),
        new JsonObject().put("name", "corpus").put("baseUrl", "http://127.0.0.1:9").put("addresses", new JsonArray().add("events.x")),
        new JsonObject().put("name", "../corpus").put("baseUrl", "http://127.0.0.1:9"),
        new JsonObject().put("name", "Corpus").put("baseUrl", "http://127.0.0.1:9"),
        new JsonObject().put("name", "corpus").put("baseUrl", "http://127.0.0.1:9").put("routes", "all"))) {
      probes.add(probe("bridge-register", "POST", "/bridge/services", auth, registration.encode()
          .getBytes(StandardCharsets.UTF_8), Expect.REJECTED, Set.of(400, 403)));
    }
    for (String pattern : List.of("events.(*", "events.[", "events.*+", "\\u0000", "a".repeat(300), "events..*", "*")) {
      probes.add(probe("bridge-subscribe", "POST", "/bridge/subscriptions", auth, new JsonObject()
          .put("address", pattern).put("url", "http://127.0.0.1:9/hook").encode().replace("\\\\u0000", "\\u0000")
          .getBytes(StandardCharsets.UTF_8), Expect.REJECTED, Set.of(400, 403)));
      probes.add(probe("bridge-subscribe", "GET", "/bridge/events?address="
          + URLEncoder.encode(pattern.replace("\\u0000", "\0"), StandardCharsets.UTF_8), auth, null,
          Expect.REJECTED, Set.of(400, 403)));
    }
    return probes;
  }

  /** The problem with an answer to a probe, or null when it is what the edge owes. */
  public static String problem(Probe probe, RawHttp.Answer answer) {
    int status = answer.status();
    if (status < 0) {
      return "no answer";
    }
    if (status >= 500) {
      return "a 5xx for a client's request";
    }
    if (probe.expect() == Expect.REJECTED && (status < 400
        || !(probe.statuses().contains(status) || status == 401 || status == 403))) {
      return "status " + status + ", expected one of " + probe.statuses();
    }
    if (status >= 400 && !probe.method().equals("HEAD")) {
      try {
        JsonObject error = answer.json();
        if (error.getInteger("status", -1) != status || !(error.getValue("error") instanceof String)
            || !(error.getValue("message") instanceof String)) {
          return "not the error shape";
        }
      } catch (RuntimeException notJson) {
        return "the body is not JSON";
      }
    }
    return null;
  }

  static String fill(String template) {
    return template.replaceAll(":[^/]+", "x");
  }

  private static boolean matches(String template, String path) {
    String regex = Pattern.quote(template).replaceAll(":[A-Za-z0-9_]+", "\\\\E[^/]+\\\\Q");
    return Pattern.matches(regex, path);
  }

  private static Map<String, String> json() {
    return Map.of("Content-Type", "application/json");
  }

  private static Probe probe(String kind, String method, String target, Map<String, String> headers, byte[] body,
      Expect expect, Set<Integer> statuses) {
    return new Probe(kind, method, target, headers, body, expect, statuses);
  }

  /** Hostile text is long: failure messages carry its start and its length. */
  static String shorten(String text) {
    return text.length() > 80 ? text.substring(0, 80) + "...(" + text.length() + ")" : text;
  }
}
