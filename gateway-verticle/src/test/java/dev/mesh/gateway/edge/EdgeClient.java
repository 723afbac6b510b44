package dev.mesh.gateway.edge;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One client connection to the gateway from a chosen loopback address (127.0.0.2, 127.0.0.3, ...), so a
 * test can play several client hosts: the edge keys its limits by the peer's address. It speaks plain
 * HTTP/1.1 with keep-alive, answers with Content-Length only (as the gateway writes them).
 */
final class EdgeClient implements AutoCloseable {

  /** An answer: status, the head as text, the body. */
  record Answer(int status, String head, String body) {
    String header(String name) {
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }
  }

  private final Socket socket;
  private final InputStream in;

  EdgeClient(String fromAddress, int port, Duration readBound) throws IOException {
    socket = new Socket(InetAddress.getLoopbackAddress(), port, InetAddress.getByName(fromAddress), 0);
    socket.setSoTimeout((int) readBound.toMillis());
    in = socket.getInputStream();
  }

  /** Writes {@code request} as it is (ISO-8859-1). */
  void write(String request) throws IOException {
    socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
  }

  /** A GET on this connection, with {@code extraHeaders} (each ending in CRLF), and its answer. */
  Answer get(String path, String extraHeaders) throws IOException {
    write("GET " + path + " HTTP/1.1\r\nHost: gw\r\n" + extraHeaders + "\r\n");
    return read();
  }

  /** The next answer; an {@link IOException} when the connection ends first. */
  Answer read() throws IOException {
    String head = readHead();
    int status = Integer.parseInt(head.substring(9, 12));
    Answer partial = new Answer(status, head, "");
    String length = partial.header("Content-Length");
    byte[] body = in.readNBytes(length == null ? 0 : Integer.parseInt(length));
    return new Answer(status, head, new String(body, StandardCharsets.UTF_8));
  }

  /**
   * Whether the gateway ends this connection (EOF or reset) within the read bound, reading and dropping
   * whatever it sends first; false when the connection is still open at the bound.
   */
  boolean closedByServer() throws IOException {
    try {
      while (in.read() >= 0) {
        // an answer written before the close
      }
      return true;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (SocketException reset) {
      return true;
    }
  }

  private String readHead() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("the connection ended before an answer: " + head.toString(StandardCharsets.ISO_8859_1));
      }
      head.write(b);
      matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
          ? matched + 1 : 0;
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
