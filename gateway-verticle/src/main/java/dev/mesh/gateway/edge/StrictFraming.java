package dev.mesh.gateway.edge;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpVersion;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Message framing as RFC 9112 section 6 asks of a server, on every HTTP/1.x connection. Netty, as Vert.x
 * 5.0.8 configures it, reads a request with both {@code Content-Length} and {@code Transfer-Encoding:
 * chunked} as chunked and keeps the connection open, and reads a body under an unknown transfer coding
 * ({@code xchunked}) as the next request: both are how requests are smuggled past a proxy in front. Here
 * such a request is marked as undecodable, so Vert.x hands it to the invalid-request handler
 * ({@link InvalidRequests}: a 400 in the mesh's error shape) and closes the connection after the answer,
 * never reading what follows on it as another request. HTTP versions other than 1.0 and 1.1 go the same
 * way (Vert.x would answer 501 with no body).
 *
 * <p>Vert.x offers no option for this, so the connection handler swaps its decoder for a subclass that
 * checks each message once its headers are read. This reaches into {@code io.vertx.core.http.impl};
 * the edge tests fail if a Vert.x upgrade moves it.
 */
public final class StrictFraming implements Handler<HttpConnection> {

  /** The message that carries the reason a request's framing was refused. */
  public static final class BadFraming extends DecoderException {
    BadFraming(String message) {
      super(message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this; // a client's fault: the stack says nothing
    }
  }

  private static final Logger log = LoggerFactory.getLogger(StrictFraming.class);
  private static final String DECODER = "httpDecoder";

  private final HttpServerOptions options;

  public StrictFraming(HttpServerOptions options) {
    this.options = options;
  }

  @Override
  public void handle(HttpConnection connection) {
    if (!(connection instanceof ConnectionBase base)) {
      return;
    }
    ChannelPipeline pipeline = base.channelHandlerContext().pipeline();
    ChannelHandler decoder = pipeline.get(DECODER);
    if (decoder instanceof VertxHttpRequestDecoder && !(decoder instanceof Decoder)) {
      pipeline.replace(DECODER, DECODER, new Decoder(options));
    } else if (decoder != null && !(decoder instanceof Decoder)) {
      log.warn("unexpected HTTP decoder {}: strict framing is not enforced", decoder.getClass().getName());
    }
  }

  /** Why this request's framing is refused, or null when it is sound. */
  static String problem(HttpMessage message) {
    HttpVersion version = message.protocolVersion();
    if (!"HTTP".equals(version.protocolName()) || version.majorVersion() != 1 || version.minorVersion() > 1) {
      return "HTTP version " + version.text() + " is not supported; use HTTP/1.1";
    }
    HttpHeaders headers = message.headers();
    List<String> codings = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
    if (codings.isEmpty()) {
      return null;
    }
    if (headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
      return "a request with both Content-Length and Transfer-Encoding has no reliable length";
    }
    if (version.minorVersion() == 0) {
      return "Transfer-Encoding is not defined for HTTP/1.0";
    }
    if (codings.size() != 1 || !codings.get(0).trim().equalsIgnoreCase("chunked")) {
      return "the only transfer coding accepted is 'chunked', given once";
    }
    return null;
  }

  private static final class Decoder extends VertxHttpRequestDecoder {

    private boolean refused;

    Decoder(HttpServerOptions options) {
      super(options);
    }

    /**
     * Once a request's framing is refused, nothing more is decoded on this connection: its body and
     * whatever follows are dropped unread, so a request hidden there never reaches the router while the
     * 400 is written and the connection closed.
     */
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
      if (refused) {
        buffer.skipBytes(buffer.readableBytes());
        return;
      }
      super.decode(ctx, buffer, out);
    }

    /** Called once per message, after its headers and before its body: the one place to judge framing. */
    @Override
    protected boolean isContentAlwaysEmpty(HttpMessage message) {
      if (message != null && message.decoderResult().isSuccess()) {
        String problem = problem(message);
        if (problem != null) {
          message.setDecoderResult(DecoderResult.failure(new BadFraming(problem)));
          refused = true;
        }
      }
      return super.isContentAlwaysEmpty(message);
    }
  }
}
