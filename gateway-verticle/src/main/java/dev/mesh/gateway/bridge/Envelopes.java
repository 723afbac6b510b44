package dev.mesh.gateway.bridge;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;

/** How an event-bus message looks to an HTTP client: one JSON shape for events, streams and dead letters. */
final class Envelopes {

  private Envelopes() {
  }

  /** {@code {address, headers, body}}: what a webhook receives and a stream carries. */
  static JsonObject event(Message<Object> message) {
    JsonObject headers = new JsonObject();
    message.headers().forEach(h -> headers.put(h.getKey(), h.getValue()));
    return new JsonObject()
        .put("address", message.address())
        .put("headers", headers)
        .put("body", jsonValue(message.body()));
  }

  /** Message bodies are JSON objects by contract; other types are carried as the closest JSON value. */
  static Object jsonValue(Object body) {
    if (body == null || body instanceof JsonObject || body instanceof JsonArray || body instanceof String
        || body instanceof Number || body instanceof Boolean) {
      return body;
    }
    if (body instanceof Buffer buffer) {
      return Base64.getEncoder().encodeToString(buffer.getBytes());
    }
    if (body instanceof byte[] bytes) {
      return Base64.getEncoder().encodeToString(bytes);
    }
    return body.toString();
  }
}
