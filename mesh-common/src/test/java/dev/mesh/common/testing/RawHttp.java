package dev.mesh.common.testing;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * HTTP/1.1 spoken byte by byte over a plain socket, for what no HTTP client library will send: both
 * Content-Length and Transfer-Encoding, broken chunks, control characters in headers, made-up versions.
 * It reads the first response and, when asked, whether the server then closes the connection (and
 * anything else it wrote, such as the answer to a request smuggled in the first one's body).
 */
public final class RawHttp {

  /**
   * The first response, and what followed it: {@code closed} when the server ended the connection within
   * the bound, {@code after} any bytes it sent after the first response.
   */
  public record Answer(int status, String head, String body, boolean closed, String after) {
    public JsonObject json() {
      return new JsonObject(body);
    }

    public String header(String name) {
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }

    @Override
    public String toString() {
      return status + " " + body + (closed ? " (closed)" : "") + (after.isEmpty() ? "" : " then: " + after);
    }
  }

  private RawHttp() {
  }

  /** One exchange; {@code awaitClose} waits up to {@code bound} for the server to close the connection. */
  public static Answer exchange(int port, String request, boolean awaitClose, Duration bound) throws IOException {
    return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1), awaitClose, bound);
  }

  public static Answer exchange(int port, byte[] request, boolean awaitClose, Duration bound) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout((int) bound.toMillis());
      try {
        socket.getOutputStream().write(request);
        socket.getOutputStream().flush();
      } catch (SocketException closedWhileWriting) {
        // the server may refuse and close before reading all of an oversized request: read its answer
      }
      InputStream in = socket.getInputStream();
      String head = readHead(in);
      while (head != null && head.startsWith("HTTP/1.1 1")) {
        head = readHead(in); // an interim answer (100 Continue): the final one follows
      }
      if (head == null) {
        return new Answer(-1, "", "", true, "");
      }
      int status = Integer.parseInt(head.substring(9, 12));
      String body = readBody(in, head);
      if (!awaitClose) {
        return new Answer(status, head, body, false, "");
      }
      ByteArrayOutputStream after = new ByteArrayOutputStream();
      boolean closed = false;
      try {
        int b;
        while ((b = in.read()) != -1) {
          after.write(b);
        }
        closed = true;
      } catch (SocketTimeoutException stillOpen) {
        closed = false;
      } catch (SocketException reset) {
        closed = true;
      }
      return new Answer(status, head, body, closed, after.toString(StandardCharsets.ISO_8859_1));
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    int b;
    try {
      while ((b = in.read()) != -1) {
        head.write(b);
        matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        if (matched == 4) {
          return head.toString(StandardCharsets.ISO_8859_1);
        }
      }
    } catch (SocketException reset) {
      // closed without an answer
    }
    return null;
  }

  private static String readBody(InputStream in, String head) throws IOException {
    String lower = head.toLowerCase(Locale.ROOT);
    int at = lower.indexOf("\r\ncontent-length:");
    if (at >= 0) {
      int end = lower.indexOf("\r\n", at + 2);
      int length = Integer.parseInt(head.substring(at + 17, end).trim());
      return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
    if (lower.contains("\r\ntransfer-encoding: chunked")) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      while (true) {
        String sizeLine = readLine(in);
        int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
        if (size == 0) {
          readLine(in);
          return body.toString(StandardCharsets.UTF_8);
        }
        body.write(in.readNBytes(size));
        readLine(in);
      }
    }
    return "";
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1 && b != '\n') {
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }
}
