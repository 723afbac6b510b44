package dev.mesh.gateway.bridge;

import dev.mesh.common.observe.KeptTrace;
import dev.mesh.common.observe.MeshMetrics;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts an event to a webhook until it answers 2xx: up to {@code BRIDGE_WEBHOOK_ATTEMPTS} attempts,
 * waiting {@code BRIDGE_WEBHOOK_BACKOFF_MS} after the first failure and twice as long after each next
 * one; then the event becomes a dead letter. At-least-once: a receiver drops duplicates by eventId.
 */
final class WebhookDelivery {

  private static final Logger log = LoggerFactory.getLogger(WebhookDelivery.class);

  private final Vertx vertx;
  private final BridgeHttp http;
  private final DeadLetters deadLetters;
  private final int attempts;
  private final long backoffMs;
  private final long timeoutMs;
  private final Counter delivered;
  private final Counter failed;

  WebhookDelivery(Vertx vertx, BridgeHttp http, DeadLetters deadLetters, BridgeSettings settings) {
    this.vertx = vertx;
    this.http = http;
    this.deadLetters = deadLetters;
    this.attempts = settings.webhookAttempts();
    this.backoffMs = settings.webhookBackoffMs();
    this.timeoutMs = settings.forwardTimeoutMs();
    this.delivered = attempts(vertx, "delivered");
    this.failed = attempts(vertx, "failed");
  }

  private static Counter attempts(Vertx vertx, String outcome) {
    return Counter.builder("mesh.bridge.webhook.attempts").description("Webhook posts, by outcome")
        .tag("outcome", outcome).register(MeshMetrics.registry(vertx));
  }

  /** Its posts, retries too, carry the trace of the event's publication. */
  void deliver(String subscription, String url, JsonObject event) {
    KeptTrace.run(() -> attempt(subscription, url, event, 1));
  }

  private void attempt(String subscription, String url, JsonObject event, int attempt) {
    JsonObject body = event.copy().put("subscription", subscription).put("attempt", attempt);
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("X-Mesh-Subscription", subscription)
        .add("X-Mesh-Address", event.getString("address"))
        .add("X-Mesh-Attempt", Integer.toString(attempt));
    http.postJson(url, body, headers, timeoutMs).onComplete(done -> {
      if (done.succeeded() && done.result().ok()) {
        delivered.increment();
        return;
      }
      failed.increment();
      String error = done.failed() ? done.cause().getMessage() : "HTTP " + done.result().status();
      if (attempt >= attempts) {
        log.warn("webhook {} refused an event on {} {} times ({}); dead-lettered", url, event.getString("address"),
            attempt, error);
        deadLetters.add(subscription, url, event, attempt, error);
        return;
      }
      long wait = backoffMs << (attempt - 1);
      log.debug("webhook {} attempt {} failed ({}); next in {} ms", url, attempt, error, wait);
      vertx.setTimer(Math.max(1, wait), id -> attempt(subscription, url, event, attempt + 1));
    });
  }
}
