package dev.mesh.gateway.edge;

import dev.mesh.common.MeshError;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;

/**
 * The server's invalid-request handler: a request whose bytes Netty could not decode (a line or header
 * block over its limit, a forbidden character in a header, bad framing from {@link StrictFraming}). It
 * answers in the mesh's error shape and closes the connection, since nothing after such a request can
 * be trusted to start where the client meant (RFC 9112 section 6.3).
 */
public final class InvalidRequests implements Handler<HttpServerRequest> {

  private final int maxLineBytes;
  private final int maxHeaderBytes;

  public InvalidRequests(int maxLineBytes, int maxHeaderBytes) {
    this.maxLineBytes = maxLineBytes;
    this.maxHeaderBytes = maxHeaderBytes;
  }

  @Override
  public void handle(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    MeshError error;
    ClientFaults.Kind kind;
    if (cause instanceof TooLongHttpLineException) {
      kind = ClientFaults.Kind.TOO_LARGE;
      error = new MeshError(414, "uri_too_long", "the request line is longer than " + maxLineBytes
          + " bytes (GATEWAY_MAX_INITIAL_LINE_BYTES)", null);
    } else if (cause instanceof TooLongHttpHeaderException) {
      kind = ClientFaults.Kind.TOO_LARGE;
      error = new MeshError(431, "headers_too_large", "the request headers are larger than " + maxHeaderBytes
          + " bytes (GATEWAY_MAX_HEADER_BYTES)", null);
    } else if (cause instanceof StrictFraming.BadFraming) {
      kind = ClientFaults.Kind.FRAMING;
      error = new MeshError(400, "bad_framing", cause.getMessage(), null);
    } else {
      kind = ClientFaults.Kind.FRAMING;
      error = MeshError.badRequest("the request is not valid HTTP/1.1: "
          + ClientFaults.abbreviate(cause == null ? "unreadable" : String.valueOf(cause.getMessage())));
    }
    ClientFaults.rejected(kind, error.status(), request, error.getMessage());
    request.response()
        .setStatusCode(error.status())
        .putHeader("Content-Type", "application/json")
        .putHeader("Connection", "close")
        .end(error.toJson().encode())
        .onComplete(done -> request.connection().close());
  }
}
