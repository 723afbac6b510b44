package dev.mesh.gateway.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.testing.TestCluster;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The TCP event-bus bridge through a client written only from the documented framing (docs/bridge.md):
 * each frame is a 4-byte big-endian length, then that many bytes of UTF-8 JSON. Plain Java sockets,
 * no Vert.x on the client side.
 */
class TcpBridgeTest {

  private static BridgeFixture mesh;

  @BeforeAll
  static void start() {
    mesh = new BridgeFixture();
  }

  @AfterAll
  static void stop() {
    mesh.close();
  }

  @Test
  void theBridgeSaysWhereItsTcpDoorIs() throws Exception {
    JsonObject described = new JsonObject(mesh.call("GET", "/bridge", null).body());
    assertEquals(new JsonObject().put("host", "127.0.0.1").put("port", mesh.tcpPort).put("listening", true),
        described.getJsonObject("tcp"));
    assertEquals("mesh\\..*", described.getJsonObject("allow").getString("send"));
  }

  @Test
  void requestReplyThroughTheTcpBridge() throws Exception {
    try (FrameClient client = new FrameClient(mesh.tcpPort)) {
      client.write(new JsonObject().put("type", "send").put("address", "mesh.echo").put("replyAddress", "my-reply-1")
          .put("headers", new JsonObject().put("action", "echo")).put("body", new JsonObject().put("n", 7)));
      JsonObject reply = client.read();
      assertEquals("message", reply.getString("type"), reply.encode());
      assertEquals("my-reply-1", reply.getString("address"));
      assertEquals(new JsonObject().put("n", 7).put("echoed", true), reply.getJsonObject("body"));
      assertEquals("201", reply.getJsonObject("headers").getString("status"));

      client.write(new JsonObject().put("type", "send").put("address", "mesh.echo").put("replyAddress", "my-reply-2")
          .put("headers", new JsonObject().put("action", "missing")).put("body", new JsonObject()));
      JsonObject failure = client.read();
      assertEquals("err", failure.getString("type"), failure.encode());
      assertEquals(404, failure.getInteger("failureCode"), "the service's failure code reaches the client");
      assertEquals("not_found", new JsonObject(failure.getString("message")).getString("error"), failure.encode());

      client.write(new JsonObject().put("type", "send").put("address", "mesh.echo").put("replyAddress", "my-reply-3")
          .put("headers", new JsonObject().put("action", "vault")).put("body", new JsonObject()));
      JsonObject refused = client.read();
      assertEquals(403, refused.getInteger("failureCode"),
          "the frame reaches the service as the bridge, with no role: an admin's action refuses it " + refused.encode());
    }
  }

  @Test
  void sendIsFireAndForget() throws Exception {
    BlockingQueue<Message<JsonObject>> received = new LinkedBlockingQueue<>();
    TestCluster.await(mesh.serviceNode.eventBus().<JsonObject>consumer("mesh.tcp-sink", received::add).completion());
    try (FrameClient client = new FrameClient(mesh.tcpPort)) {
      client.write(new JsonObject().put("type", "send").put("address", "mesh.tcp-sink")
          .put("headers", new JsonObject().put("action", "note")).put("body", new JsonObject().put("n", 1)));
      Message<JsonObject> message = received.poll(5, TimeUnit.SECONDS);
      assertNotNull(message, "the message arrived");
      assertEquals("note", message.headers().get("action"));
      assertEquals(1, message.body().getInteger("n"));
    }
  }

  @Test
  void aRegisteredClientReceivesEvents() throws Exception {
    try (FrameClient client = new FrameClient(mesh.tcpPort)) {
      client.write(new JsonObject().put("type", "register").put("address", "events.order.confirmed"));
      // registration is asynchronous across the cluster and the framing has no acknowledgement for it:
      // publish until the first event arrives (bounded)
      JsonObject event = null;
      for (int i = 0; i < 50 && event == null; i++) {
        mesh.serviceNode.eventBus().publish("events.order.confirmed", new JsonObject().put("eventId", "t-" + i));
        event = client.readWithin(200);
      }
      assertNotNull(event, "an event reached the registered client");
      assertEquals("message", event.getString("type"));
      assertEquals("events.order.confirmed", event.getString("address"));
      assertTrue(event.getJsonObject("body").getString("eventId").startsWith("t-"));
    }
  }

  @Test
  void addressesOutsideTheRulesAreRefused() throws Exception {
    try (FrameClient client = new FrameClient(mesh.tcpPort)) {
      client.write(new JsonObject().put("type", "send").put("address", "internal.secrets").put("body", new JsonObject()));
      assertRefused(client.read(), "access_denied");
      client.write(new JsonObject().put("type", "register").put("address", "mesh.echo"));
      assertRefused(client.read(), "access_denied");
      // mesh.* may be sent to but not published on: the bridge's event hook tells the two apart
      client.write(new JsonObject().put("type", "publish").put("address", "mesh.echo").put("body", new JsonObject()));
      assertRefused(client.read(), "blocked by bridgeEvent handler");

      client.write(new JsonObject().put("type", "ping"));
      assertEquals("pong", client.read().getString("type"), "the connection survives refusals");
    }
  }

  @Test
  void aFrameWithoutAValidCredentialIsRefused() throws Exception {
    for (String credential : new String[] {null, "not-a-credential"}) {
      try (FrameClient client = new FrameClient(mesh.tcpPort, credential)) {
        client.write(new JsonObject().put("type", "send").put("address", "mesh.echo").put("replyAddress", "r-1")
            .put("headers", new JsonObject().put("action", "echo")).put("body", new JsonObject()));
        assertRefused(client.read(), "blocked by bridgeEvent handler");
        client.write(new JsonObject().put("type", "register").put("address", "events.order.confirmed"));
        assertRefused(client.read(), "blocked by bridgeEvent handler");
        client.write(new JsonObject().put("type", "ping"));
        assertEquals("pong", client.read().getString("type"));
      }
    }
  }

  @Test
  void aServiceCredentialSendsOnlyWhereItMay() throws Exception {
    String alpha = credentialOf(mesh.call("POST", "/bridge/services", new JsonObject().put("name", "alpha-tcp")
        .put("baseUrl", "http://127.0.0.1:9").put("addresses", new JsonArray().add("mesh.alpha-tcp"))));
    String beta = credentialOf(mesh.call("POST", "/bridge/services", new JsonObject().put("name", "beta-tcp")
        .put("baseUrl", "http://127.0.0.1:9")));
    try (FrameClient client = new FrameClient(mesh.tcpPort, beta)) {
      client.write(new JsonObject().put("type", "send").put("address", "mesh.alpha-tcp").put("replyAddress", "r-2")
          .put("headers", new JsonObject().put("action", "x")).put("body", new JsonObject()));
      assertRefused(client.read(), "blocked by bridgeEvent handler");
      client.write(new JsonObject().put("type", "send").put("address", "mesh.echo").put("replyAddress", "r-3")
          .put("headers", new JsonObject().put("action", "echo")).put("body", new JsonObject().put("n", 1)));
      assertEquals("r-3", client.read().getString("address"), "a Java service's address is open to it");
    }
    assertNotNull(alpha);
  }

  private static String credentialOf(java.net.http.HttpResponse<String> registered) {
    assertEquals(201, registered.statusCode(), registered.body());
    return new JsonObject(registered.body()).getString("credential");
  }

  private static void assertRefused(JsonObject frame, String message) {
    assertEquals("err", frame.getString("type"), frame.encode());
    assertEquals(message, frame.getString("message"));
  }

  /** The documented framing, and nothing else. */
  static final class FrameClient implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;

    private final String credential;

    /** A client that puts the bridge secret in every frame that needs a credential. */
    FrameClient(int port) throws IOException {
      this(port, BridgeFixture.SECRET);
    }

    /** {@code credential}: the bridge secret, a service's credential, or null for none. */
    FrameClient(int port, String credential) throws IOException {
      this.credential = credential;
      socket = new Socket(InetAddress.getLoopbackAddress(), port);
      socket.setSoTimeout(10_000);
      in = new DataInputStream(socket.getInputStream());
      out = new DataOutputStream(socket.getOutputStream());
    }

    void write(JsonObject frame) throws IOException {
      if (credential != null && !"ping".equals(frame.getString("type"))) {
        JsonObject headers = frame.getJsonObject("headers", new JsonObject());
        frame = frame.copy().put("headers", headers.copy().put("authorization", "Bearer " + credential));
      }
      byte[] json = frame.encode().getBytes(StandardCharsets.UTF_8);
      out.writeInt(json.length); // big-endian, as DataOutputStream always is
      out.write(json);
      out.flush();
    }

    JsonObject read() throws IOException {
      int length = in.readInt();
      byte[] json = in.readNBytes(length);
      return new JsonObject(new String(json, StandardCharsets.UTF_8));
    }

    /** The next frame, or null when none starts within the time (frames here are small: they arrive whole). */
    JsonObject readWithin(int millis) throws IOException {
      socket.setSoTimeout(millis);
      try {
        return read();
      } catch (SocketTimeoutException none) {
        return null;
      } finally {
        socket.setSoTimeout(10_000);
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
