package dev.mesh.gateway.browser;

import dev.mesh.common.testing.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A browser's side of the bridge without the browser: the SockJS raw WebSocket endpoint
 * ({@code /eventbus/websocket}) speaking the bridge's JSON frames, as vertx-eventbus.js does.
 */
final class BridgeSocket implements AutoCloseable {

  private final ClientWebSocket socket;
  private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final long pinger;
  private final Vertx vertx;

  private BridgeSocket(Vertx vertx, WebSocketClient client, int port, boolean pings) {
    this.vertx = vertx;
    this.socket = client.webSocket();
    // handlers go on before the handshake: a socket the gateway refuses is closed right after it, and a
    // WebSocket that is already closed accepts no handler (IllegalStateException "WebSocket is closed")
    socket.handler(data -> frames.add(new JsonObject(data))); // the raw transport writes binary frames
    socket.closeHandler(v -> closed.complete(null));
    TestCluster.await(socket.connect(port, "127.0.0.1", "/eventbus/websocket"));
    // the page pings every 5 s; a socket that stops is closed by the gateway after its ping timeout
    this.pinger = pings ? vertx.setPeriodic(200, id -> write(new JsonObject().put("type", "ping"))) : -1;
  }

  /** A connected socket, possibly refused (then closed by the gateway right after the handshake). */
  static BridgeSocket open(Vertx vertx, WebSocketClient client, int port, boolean pings) {
    return new BridgeSocket(vertx, client, port, pings);
  }

  void send(String address, JsonObject body, JsonObject headers, String replyAddress) {
    JsonObject frame = new JsonObject().put("type", "send").put("address", address).put("body", body)
        .put("headers", headers);
    if (replyAddress != null) {
      frame.put("replyAddress", replyAddress);
    }
    write(frame);
  }

  /** Sends and waits for the frame that answers it: the reply, a failure, or the bridge's error. */
  JsonObject request(String address, JsonObject body, JsonObject headers) throws InterruptedException {
    String replyAddress = UUID.randomUUID().toString();
    send(address, body, headers, replyAddress);
    return next(frame -> replyAddress.equals(frame.getString("address")) || frame.getString("address") == null);
  }

  void publish(String address, JsonObject body) {
    write(new JsonObject().put("type", "publish").put("address", address).put("body", body));
  }

  void register(String address) {
    write(new JsonObject().put("type", "register").put("address", address));
  }

  /**
   * The next frame that matches, within 10 s. Once the socket is closed and its frames are read there is
   * none to come: {@link IllegalStateException}, a state a caller may wait through, not a failed check.
   */
  JsonObject next(java.util.function.Predicate<JsonObject> wanted) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      boolean wasClosed = closed.isDone(); // read before the poll: frames arrive before the close
      JsonObject frame = frames.poll(100, TimeUnit.MILLISECONDS);
      if (frame != null && wanted.test(frame)) {
        return frame;
      }
      if (frame == null && wasClosed) {
        throw new IllegalStateException("no matching frame: the socket is closed");
      }
    }
    throw new AssertionError("no matching frame within 10 s");
  }

  boolean awaitClosed(long seconds) {
    try {
      closed.get(seconds, TimeUnit.SECONDS);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  void write(JsonObject frame) {
    if (!closed.isDone()) {
      socket.writeTextMessage(frame.encode());
    }
  }

  @Override
  public void close() {
    vertx.cancelTimer(pinger);
    if (!closed.isDone()) {
      socket.close();
      awaitClosed(10);
    }
  }
}
