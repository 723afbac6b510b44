package dev.mesh.gateway.bridge;

import dev.mesh.common.MeshError;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeoutException;

/**
 * The gateway's one HTTP client towards foreign services: keep-alive connections, pooled, shared by
 * route proxying, message forwarding, webhooks and health checks. Kept in a field for the gateway's
 * life (Vert.x 5 closes an unreferenced client). Transport failures become mesh errors: no connection
 * is 503, no answer within the deadline 504.
 */
final class BridgeHttp {

  /** An HTTP answer, read completely. */
  record Answer(int status, MultiMap headers, Buffer body) {
    boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  private final HttpClientAgent client;

  BridgeHttp(Vertx vertx, int poolSize) {
    this.client = vertx.httpClientBuilder()
        .with(new HttpClientOptions().setKeepAlive(true).setKeepAliveTimeout(30).setConnectTimeout(2000)
            .setMaxRedirects(0))
        .with(new PoolOptions().setHttp1MaxSize(poolSize).setMaxWaitQueueSize(10 * poolSize))
        .build();
  }

  Future<Answer> postJson(String url, JsonObject body, MultiMap headers, long timeoutMs) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
        .putHeader("Content-Type", "application/json").putHeader("Accept", "application/json");
    if (headers != null) {
      headers.forEach(options::putHeader);
    }
    return send(options, body.toBuffer(), timeoutMs);
  }

  Future<Answer> get(String url, long timeoutMs) {
    return send(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url), null, timeoutMs);
  }

  /**
   * One request. Bounded twice: connecting by the client's connect timeout, and the exchange by the
   * request's idle timeout (no byte from the service for that long), which Vert.x keeps on the
   * connection's own timer: cheaper on the proxy's hot path than a second timer per request.
   */
  Future<Answer> send(RequestOptions options, Buffer body, long timeoutMs) {
    options.setIdleTimeout(timeoutMs);
    return client.request(options)
        .compose(request -> body == null ? request.send() : request.send(body))
        .compose(response -> response.body().map(b -> new Answer(response.statusCode(), response.headers(), b)))
        .recover(failure -> Future.failedFuture(transportError(failure, options)));
  }

  Future<Void> close() {
    return client.close();
  }

  private static MeshError transportError(Throwable failure, RequestOptions options) {
    String target = options.getHost() + ":" + options.getPort();
    if (failure instanceof MeshError error) {
      return error;
    }
    if (failure instanceof TimeoutException || failure.getClass().getSimpleName().contains("Timeout")) {
      return MeshError.timeout("the foreign service at " + target + " did not answer in time");
    }
    return MeshError.unavailable("the foreign service at " + target + " cannot be reached: " + failure.getMessage());
  }

  /**
   * A foreign 4xx/5xx as the mesh's error: a body already in the error shape keeps its error, message
   * and fields; any other body becomes the message, so callers always get the one JSON shape.
   */
  static MeshError errorOf(Answer answer) {
    int status = answer.status() >= 400 && answer.status() <= 599 ? answer.status() : 502;
    String text = answer.body() == null ? "" : answer.body().toString();
    try {
      JsonObject json = new JsonObject(text);
      if (json.getValue("error") instanceof String error) {
        return new MeshError(status, error, json.getString("message", error), json.getJsonObject("fields"));
      }
    } catch (DecodeException | ClassCastException notTheShape) {
      // fall through: the body is not a JSON error object
    }
    String message = text.isBlank() ? "the foreign service answered " + answer.status() : abbreviate(text);
    return new MeshError(status, errorName(status), message, null);
  }

  private static String errorName(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 409 -> "conflict";
      case 502 -> "bad_gateway";
      case 503 -> "unavailable";
      case 504 -> "timeout";
      default -> status >= 500 ? "internal" : "error";
    };
  }

  /** A 2xx body as a JSON object reply: empty is {}, anything but an object is the service's mistake. */
  static JsonObject replyBody(Answer answer) {
    if (answer.body() == null || answer.body().length() == 0) {
      return new JsonObject();
    }
    try {
      return new JsonObject(answer.body().toString());
    } catch (DecodeException | ClassCastException e) {
      throw new MeshError(502, "bad_gateway", "the foreign service answered " + answer.status()
          + " with a body that is not a JSON object", null);
    }
  }

  private static String abbreviate(String text) {
    String line = text.strip();
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }
}
