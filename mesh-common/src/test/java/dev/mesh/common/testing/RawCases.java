package dev.mesh.common.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Requests only a raw socket can send, as a table: framing a proxy in front could read differently
 * (request smuggling), oversized lines and headers, made-up versions, control characters and non-ASCII
 * bytes in headers, broken chunks, bad percent-escapes. Each names the statuses the edge may answer and
 * whether it must close the connection afterwards (RFC 9112: after a framing error, always).
 */
public final class RawCases {

  /** One raw request: what the edge must answer, and whether the connection must be closed after it. */
  public record RawCase(String name, byte[] bytes, Set<Integer> statuses, boolean mustClose) {
    @Override
    public String toString() {
      return name;
    }
  }

  private RawCases() {
  }

  /**
   * The table, aimed at {@code writePath} (a route that takes a POST with a JSON body) and smuggling a
   * {@code hidden} request (such as a DELETE of something that exists) that must never be executed.
   */
  public static List<RawCase> all(String writePath, String hidden) {
    String smuggled = hidden + " HTTP/1.1\r\nHost: gw\r\nContent-Length: 0\r\n\r\n";
    String big = "a".repeat(10 * 1024);
    List<RawCase> cases = new ArrayList<>();

    // framing: the body's length is ambiguous, so what follows cannot be trusted (RFC 9112 section 6)
    framing(cases, "CL and TE chunked", "POST " + writePath + " HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n"
        + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled);
    framing(cases, "TE chunked and CL", "POST " + writePath + " HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n"
        + "Content-Length: " + (5 + smuggled.length()) + "\r\n\r\n0\r\n\r\n" + smuggled);
    framing(cases, "TE xchunked", "POST " + writePath + " HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: xchunked\r\n\r\n"
        + smuggled);
    framing(cases, "TE chunked twice", "POST " + writePath + " HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled);
    framing(cases, "TE gzip, chunked", "POST " + writePath + " HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
        + "0\r\n\r\n" + smuggled);
    framing(cases, "TE identity", "POST " + writePath + " HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: identity\r\n\r\n"
        + smuggled);
    framing(cases, "TE chunked on HTTP/1.0", "POST " + writePath + " HTTP/1.0\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "0\r\n\r\n" + smuggled);
    framing(cases, "two Content-Lengths", "POST " + writePath + " HTTP/1.1\r\nHost: gw\r\nContent-Length: 0\r\n"
        + "Content-Length: " + smuggled.length() + "\r\n\r\n" + smuggled);
    framing(cases, "Content-Length list", "POST " + writePath + " HTTP/1.1\r\nHost: gw\r\nContent-Length: 0, "
        + smuggled.length() + "\r\n\r\n" + smuggled);
    framing(cases, "negative Content-Length", "POST " + writePath + " HTTP/1.1\r\nHost: gw\r\nContent-Length: -1\r\n\r\n" + smuggled);
    framing(cases, "Content-Length not a number", "POST " + writePath + " HTTP/1.1\r\nHost: gw\r\nContent-Length: 0x10\r\n\r\n"
        + smuggled);
    framing(cases, "space before colon", "POST " + writePath + " HTTP/1.1\r\nHost: gw\r\nContent-Length : 0\r\n\r\n" + smuggled);
    framing(cases, "HTTP/9.9", "GET " + writePath + " HTTP/9.9\r\nHost: gw\r\n\r\n" + smuggled);
    framing(cases, "HTTP/2.0 as text", "GET " + writePath + " HTTP/2.0\r\nHost: gw\r\n\r\n" + smuggled);
    framing(cases, "HTTP/0.9", "GET " + writePath + " HTTP/0.9\r\nHost: gw\r\n\r\n" + smuggled);
    framing(cases, "version garbage", "GET " + writePath + " HTTQ/1.1\r\nHost: gw\r\n\r\n" + smuggled);
    framing(cases, "request line with two spaces", "GET  " + writePath + " HTTP/1.1 extra\r\nHost: gw\r\n\r\n" + smuggled);

    // header bytes no header may hold
    framing(cases, "NUL in a header value", "GET " + writePath + " HTTP/1.1\r\nHost: gw\r\nX-A: a\0b\r\n\r\n");
    framing(cases, "DEL in a header value", "GET " + writePath + " HTTP/1.1\r\nHost: gw\r\nX-A: a\u007fb\r\n\r\n");
    framing(cases, "CR in a header value", "GET " + writePath + " HTTP/1.1\r\nHost: gw\r\nX-A: a\rb\r\n\r\n");
    framing(cases, "non-ASCII header name", "GET " + writePath + " HTTP/1.1\r\nHost: gw\r\nX-\u00e9t\u00e9: 1\r\n\r\n");
    framing(cases, "space in a header name", "GET " + writePath + " HTTP/1.1\r\nHost: gw\r\nX A: 1\r\n\r\n");
    framing(cases, "header without a colon", "GET " + writePath + " HTTP/1.1\r\nHost: gw\r\nNoColonHere\r\n\r\n");

    // broken chunked bodies: the body cannot be read, so neither can what follows
    broken(cases, "chunk size not hex", "POST " + writePath + " HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n"
        + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n" + smuggled);
    broken(cases, "chunk longer than its size", "POST " + writePath + " HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}}}}\r\n0\r\n\r\n" + smuggled);
    broken(cases, "chunk size overflow", "POST " + writePath + " HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n"
        + "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n{}\r\n0\r\n\r\n" + smuggled);

    // sizes: each limit is a 4xx of its own
    sized(cases, "10 KB path", "GET " + writePath + "/" + big + " HTTP/1.1\r\nHost: gw\r\n\r\n", 414);
    sized(cases, "10 KB query value", "GET " + writePath + "?q=" + big + " HTTP/1.1\r\nHost: gw\r\n\r\n", 414);
    sized(cases, "10 KB header", "GET " + writePath + " HTTP/1.1\r\nHost: gw\r\nX-Big: " + big + "\r\n\r\n", 431);
    StringBuilder many = new StringBuilder("GET " + writePath + " HTTP/1.1\r\nHost: gw\r\n");
    for (int i = 0; i < 1000; i++) {
      many.append("X-H").append(i).append(": v\r\n");
    }
    sized(cases, "1,000 headers", many.append("\r\n").toString(), 431);

    // well framed but unreadable: a 4xx, and the connection may stay
    for (String escape : List.of("%", "%zz", "%u002e", "%2", "%%41", "%%", "a%")) {
      cases.add(new RawCase("bad escape " + escape, bytes("GET " + writePath + "/" + escape + " HTTP/1.1\r\nHost: gw\r\n\r\n"),
          Set.of(400, 404), false));
    }
    cases.add(new RawCase("bad escape in query", bytes("GET " + writePath + "?a=%zz HTTP/1.1\r\nHost: gw\r\n\r\n"),
        Set.of(400, 404), false));
    cases.add(new RawCase("no Host", bytes("GET " + writePath + " HTTP/1.1\r\n\r\n"), Set.of(400), false));
    cases.add(new RawCase("path without a slash", bytes("GET api HTTP/1.1\r\nHost: gw\r\n\r\n"), Set.of(400, 404), false));
    cases.add(new RawCase("asterisk form", bytes("GET * HTTP/1.1\r\nHost: gw\r\n\r\n"), Set.of(400, 404), false));
    cases.add(new RawCase("unknown method", bytes("BREW " + writePath + " HTTP/1.1\r\nHost: gw\r\n\r\n"),
        Set.of(400, 404, 405, 501), false));
    String form = "a=1&b=2";
    cases.add(new RawCase("GET with a form body", bytes("GET " + writePath + " HTTP/1.1\r\nHost: gw\r\n"
        + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + form.length() + "\r\n\r\n" + form),
        Set.of(400, 415), false));
    String multipart = "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b--\r\n";
    cases.add(new RawCase("GET with a multipart body", bytes("GET " + writePath + " HTTP/1.1\r\nHost: gw\r\n"
        + "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: " + multipart.length() + "\r\n\r\n" + multipart),
        Set.of(400, 415), false));
    cases.add(new RawCase("unknown Expect", bytes("POST " + writePath + " HTTP/1.1\r\nHost: gw\r\nExpect: coffee\r\n"
        + "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"), Set.of(400, 417), false));
    return List.copyOf(cases);
  }

  private static void framing(List<RawCase> cases, String name, String request) {
    cases.add(new RawCase(name, bytes(request), Set.of(400), true));
  }

  private static void broken(List<RawCase> cases, String name, String request) {
    // the headers were fine, so the request may already be routed when its body breaks: either its
    // 400 is written before the close, or the connection is closed with no answer (-1)
    cases.add(new RawCase(name, bytes(request), Set.of(400, -1), true));
  }

  private static void sized(List<RawCase> cases, String name, String request, int status) {
    cases.add(new RawCase(name, bytes(request), Set.of(status), true));
  }

  private static byte[] bytes(String request) {
    // ISO-8859-1 keeps every char below 256 as one byte; the non-ASCII name is sent as its UTF-8 bytes
    return request.contains("\u00e9") ? request.getBytes(StandardCharsets.UTF_8) : request.getBytes(StandardCharsets.ISO_8859_1);
  }
}
