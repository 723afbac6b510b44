package dev.mesh.gateway.edge;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where the gateway decides that a failure was the client's doing, and records each
 * rejection. A client's garbage (bad framing, bad escapes, a connection it closed) is logged at DEBUG:
 * it says nothing about the mesh, so it must not fill the operator's error log. {@link #rejected} is
 * the hook for counting rejections by kind in a metric.
 */
public final class ClientFaults {

  /** Why a request was refused at the edge, for logs and (later) a metric label. */
  public enum Kind {
    /** The bytes are not a well-framed HTTP/1.1 request: the connection is closed after the answer. */
    FRAMING,
    /** A request line, header block or body over its limit. */
    TOO_LARGE,
    /** Well framed, but its path, query, headers or body cannot be read or are refused. */
    BAD_REQUEST,
    /** The client went away, or its stream broke, before the answer. */
    GONE,
    /** Over a limit of its client address (requests or connections): {@link AddressShield}, {@link ConnectionCap}. */
    RATE
  }

  private static final Logger log = LoggerFactory.getLogger(ClientFaults.class);

  private ClientFaults() {
  }

  /** Records one refused request; the single place to count rejections. */
  public static void rejected(Kind kind, int status, HttpServerRequest request, String reason) {
    if (log.isDebugEnabled()) {
      log.debug("refused {} {} from {}: {} {} ({})", request.method(), abbreviate(request.uri()),
          request.remoteAddress(), status, kind, reason);
    }
  }

  /** A connection-level failure (decoding, reset, close) that no request is left to answer. */
  public static void connectionFailed(Throwable failure) {
    log.debug("client connection failed: {}", String.valueOf(failure));
  }

  /**
   * Whether a request-stream failure comes from the client's bytes or its connection rather than from
   * the mesh: a decoding error, a frame over a limit, a bad percent-escape, or a closed connection.
   */
  public static boolean isClients(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof DecoderException || t instanceof TooLongFrameException
          || t instanceof PrematureChannelClosureException || t instanceof HttpClosedException
          || t instanceof IOException || raisedByTheHttpDecoder(t)) {
        return true;
      }
    }
    return false;
  }

  /** Netty reports a malformed chunk size as a plain NumberFormatException: known by where it was thrown. */
  private static boolean raisedByTheHttpDecoder(Throwable t) {
    StackTraceElement[] stack = t.getStackTrace();
    return stack.length > 0 && stack[0].getClassName().startsWith("io.netty.handler.codec.http.");
  }

  /** Hostile input can be megabytes long: logs and messages carry only its start. */
  public static String abbreviate(String text) {
    if (text == null) {
      return "";
    }
    return text.length() > 120 ? text.substring(0, 120) + "..." : text;
  }
}
