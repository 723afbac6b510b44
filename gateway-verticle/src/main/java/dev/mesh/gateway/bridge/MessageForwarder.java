package dev.mesh.gateway.bridge;

import dev.mesh.common.MeshError;
import dev.mesh.common.MeshService;
import dev.mesh.common.Reply;
import dev.mesh.common.observe.KeptTrace;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves an event-bus address on behalf of a foreign service: each message becomes an HTTP POST of
 * {@code {address, action, headers, body, replyExpected, timeoutMs, deadline}} to the service's
 * messages URL. A 2xx answer is the reply (its status travels in the {@code status} header, as with
 * Java services); a 4xx/5xx is a ReplyException with that code and the JSON error as message.
 */
final class MessageForwarder {

  private static final Logger log = LoggerFactory.getLogger(MessageForwarder.class);

  private final Vertx vertx;
  private final BridgeHttp http;
  private final long timeoutMs;

  MessageForwarder(Vertx vertx, BridgeHttp http, long timeoutMs) {
    this.vertx = vertx;
    this.http = http;
    this.timeoutMs = timeoutMs;
  }

  /** A consumer on the address; completes once the cluster knows it (then senders reach it). */
  Future<MessageConsumer<Object>> serve(String address, String messagesUrl) {
    // a published message's span ends with this handler: the post made after it is kept in its trace
    MessageConsumer<Object> consumer = vertx.eventBus().consumer(address,
        message -> KeptTrace.run(() -> forward(message, messagesUrl)));
    return consumer.completion().map(consumer);
  }

  private void forward(Message<Object> message, String messagesUrl) {
    boolean replyExpected = message.replyAddress() != null;
    JsonObject headers = new JsonObject();
    message.headers().forEach(h -> headers.put(h.getKey(), h.getValue()));
    String action = message.headers().get(MeshService.ACTION_HEADER);
    long deadline = System.currentTimeMillis() + timeoutMs;
    JsonObject envelope = new JsonObject()
        .put("address", message.address())
        .put("action", action)
        .put("headers", headers)
        .put("body", Envelopes.jsonValue(message.body()))
        .put("replyExpected", replyExpected)
        .put("timeoutMs", timeoutMs)
        .put("deadline", deadline);
    MultiMap httpHeaders = MultiMap.caseInsensitiveMultiMap()
        .add("X-Mesh-Address", message.address())
        .add("X-Mesh-Deadline", Long.toString(deadline));
    if (action != null) {
      httpHeaders.add("X-Mesh-Action", action);
    }
    http.postJson(messagesUrl, envelope, httpHeaders, timeoutMs).onComplete(done -> {
      if (!replyExpected) {
        if (done.failed() || !done.result().ok()) {
          log.warn("{} did not take a message on {}: {}", messagesUrl, message.address(),
              done.failed() ? done.cause().getMessage() : "HTTP " + done.result().status());
        }
        return;
      }
      if (done.failed()) {
        fail(message, MeshError.from(done.cause()));
        return;
      }
      BridgeHttp.Answer answer = done.result();
      if (!answer.ok()) {
        fail(message, BridgeHttp.errorOf(answer));
        return;
      }
      try {
        message.reply(BridgeHttp.replyBody(answer),
            new DeliveryOptions().addHeader(Reply.STATUS_HEADER, Integer.toString(answer.status())));
      } catch (MeshError notAnObject) {
        fail(message, notAnObject);
      }
    });
  }

  private static void fail(Message<Object> message, MeshError error) {
    message.fail(error.status(), error.toJson().encode());
  }
}
