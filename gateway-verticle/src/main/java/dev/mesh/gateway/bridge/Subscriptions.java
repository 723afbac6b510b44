package dev.mesh.gateway.bridge;

import dev.mesh.common.MeshError;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Event subscriptions of bridge clients. An address is taken as it is; a pattern ({@code *} stands for
 * one dot-separated segment, as in {@code events.order.*}) is matched against the known event addresses
 * (those the services declare in their records, and {@code BRIDGE_EVENT_ADDRESSES}), because the event
 * bus has no wildcard consumers. Each address must
 * pass the subscribe rules. Webhook subscriptions live here until deleted or until their owner (a
 * registered foreign service) is removed; streams listen through {@link #listen}.
 */
final class Subscriptions {

  /** A webhook subscription: where its events go and the consumers feeding it. */
  record Webhook(String id, String url, List<String> addresses, String owner,
      List<MessageConsumer<Object>> consumers) {
    JsonObject toJson() {
      JsonObject json = new JsonObject().put("id", id).put("url", url).put("addresses", new JsonArray(addresses));
      return owner == null ? json : json.put("service", owner);
    }
  }

  private final Vertx vertx;
  private final AddressRules rules;
  private final Supplier<List<String>> catalog;
  private final WebhookDelivery delivery;
  private final Map<String, Webhook> webhooks = new ConcurrentHashMap<>();

  /** {@code catalog}: the event addresses known now, which patterns are matched against. */
  Subscriptions(Vertx vertx, BridgeSettings settings, Supplier<List<String>> catalog, WebhookDelivery delivery) {
    this.vertx = vertx;
    this.rules = settings.rules();
    this.catalog = catalog;
    this.delivery = delivery;
  }

  /**
   * The concrete addresses for the given addresses and patterns. An address outside the subscribe rules
   * is a 403; a pattern that matches no known event address is a 400.
   */
  List<String> resolve(List<String> requested) {
    if (requested.isEmpty()) {
      throw MeshError.badRequest("name at least one address to subscribe to");
    }
    Set<String> addresses = new LinkedHashSet<>();
    for (String item : requested) {
      if (!AddressRules.PATTERN.matcher(item).matches()) {
        // checked before the item becomes part of a regular expression below
        throw MeshError.badRequest("each address is " + AddressRules.ADDRESS_SHAPE + ", or a pattern with '*'");
      }
      if (!item.contains("*")) {
        rules.check(AddressRules.Kind.SUBSCRIBE, item);
        addresses.add(item);
        continue;
      }
      Pattern pattern = Pattern.compile(item.replace(".", "\\.").replace("*", "[^.]+"));
      List<String> events = catalog.get();
      List<String> known = events.stream().filter(a -> pattern.matcher(a).matches()).toList();
      if (known.isEmpty()) {
        throw MeshError.badRequest("the pattern '" + item + "' matches no known event address"
            + " (those the services declare, and BRIDGE_EVENT_ADDRESSES); known: " + events);
      }
      known.forEach(a -> rules.check(AddressRules.Kind.SUBSCRIBE, a));
      addresses.addAll(known);
    }
    return List.copyOf(addresses);
  }

  /** Consumers on every address, completed once the cluster knows them (so no later event is missed). */
  Future<List<MessageConsumer<Object>>> listen(List<String> addresses, Handler<Message<Object>> handler) {
    List<MessageConsumer<Object>> consumers = new ArrayList<>();
    for (String address : addresses) {
      consumers.add(vertx.eventBus().consumer(address, handler));
    }
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList())
        .map(consumers)
        .recover(e -> {
          consumers.forEach(MessageConsumer::unregister);
          return Future.failedFuture(e);
        });
  }

  Future<Webhook> addWebhook(List<String> requested, String url, String owner) {
    List<String> addresses = resolve(requested);
    String id = UUID.randomUUID().toString();
    return listen(addresses, message -> delivery.deliver(id, url, Envelopes.event(message)))
        .map(consumers -> {
          Webhook webhook = new Webhook(id, url, addresses, owner, consumers);
          webhooks.put(id, webhook);
          return webhook;
        });
  }

  boolean remove(String id) {
    Webhook webhook = webhooks.remove(id);
    if (webhook == null) {
      return false;
    }
    webhook.consumers().forEach(MessageConsumer::unregister);
    return true;
  }

  /**
   * Removes a webhook for {@code requester}: the operator (null) any, a foreign service only its own; false
   * when there is none it may see, so another's ids cannot be probed.
   */
  boolean remove(String id, String requester) {
    Webhook webhook = webhooks.get(id);
    return webhook != null && mayManage(webhook, requester) && remove(id);
  }

  void removeOwnedBy(String owner) {
    webhooks.values().stream().filter(w -> owner.equals(w.owner())).map(Webhook::id).toList().forEach(this::remove);
  }

  /** The webhooks {@code requester} may see: every one for the operator (null), a service's own for it. */
  JsonArray toJson(String requester) {
    JsonArray array = new JsonArray();
    webhooks.values().stream().filter(w -> mayManage(w, requester)).forEach(w -> array.add(w.toJson()));
    return array;
  }

  // webhooks belong to the service that made them; the operator's secret manages them all
  private static boolean mayManage(Webhook webhook, String requester) {
    return requester == null || requester.equals(webhook.owner());
  }

  void close() {
    List.copyOf(webhooks.keySet()).forEach(this::remove);
  }
}
