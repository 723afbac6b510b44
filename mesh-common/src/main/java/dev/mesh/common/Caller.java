package dev.mesh.common;

import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who called, as the gateway verified it: the token's subject, roles and scopes. It travels with a
 * request from the edge as event-bus headers that only the gateway sets ({@link #HEADERS}); the bridges
 * drop look-alikes from their clients. {@link MeshService} hands it to a handler as the input field
 * {@link #FIELD}, rebuilt from the headers on every message, so no body can carry it.
 *
 * <p>A message without {@link #EDGE} comes from inside the mesh (a saga step, an expansion by an
 * internal caller): {@link #of} answers {@link #INTERNAL}, which may act for anyone.
 */
public record Caller(String subject, Set<String> roles, Set<String> scopes, boolean internal) {

  /** Event-bus headers: set by the gateway, read by {@link MeshService}. */
  public static final String EDGE = "mesh-edge";
  public static final String SUBJECT = "mesh-subject";
  public static final String ROLES = "mesh-roles";
  public static final String SCOPES = "mesh-scopes";
  public static final Set<String> HEADERS = Set.of(EDGE, SUBJECT, ROLES, SCOPES);

  /** The input field a handler reads the caller from; anything a client puts there is replaced. */
  public static final String FIELD = "_caller";

  /** The role that may do everything. */
  public static final String ADMIN = "admin";

  public static final Caller INTERNAL = new Caller(null, Set.of(), Set.of(), true);
  public static final Caller ANONYMOUS = new Caller(null, Set.of(), Set.of(), false);

  public static Caller of(String subject, Collection<String> roles, Collection<String> scopes) {
    return new Caller(subject, Set.copyOf(roles), Set.copyOf(scopes), false);
  }

  /** The caller of an action, from the field {@link MeshService} set. */
  public static Caller of(JsonObject input) {
    JsonObject json = input == null ? null : input.getJsonObject(FIELD);
    if (json == null) {
      return INTERNAL;
    }
    return new Caller(json.getString("sub"), strings(json.getJsonArray("roles")),
        strings(json.getJsonArray("scopes")), false);
  }

  /** From a message's headers: {@link #INTERNAL} without {@link #EDGE}. */
  public static Caller fromHeaders(MultiMap headers) {
    if (headers == null || headers.get(EDGE) == null) {
      return INTERNAL;
    }
    return new Caller(headers.get(SUBJECT), split(headers.get(ROLES)), split(headers.get(SCOPES)), false);
  }

  public DeliveryOptions addTo(DeliveryOptions delivery) {
    if (internal) {
      return delivery;
    }
    delivery.addHeader(EDGE, "1");
    if (subject != null) {
      delivery.addHeader(SUBJECT, subject);
    }
    delivery.addHeader(ROLES, String.join(",", roles));
    delivery.addHeader(SCOPES, String.join(",", scopes));
    return delivery;
  }

  public JsonObject toJson() {
    return new JsonObject().put("sub", subject).put("roles", new JsonArray(roles.stream().sorted().toList()))
        .put("scopes", new JsonArray(scopes.stream().sorted().toList()));
  }

  public boolean authenticated() {
    return subject != null;
  }

  public boolean isAdmin() {
    return internal || roles.contains(ADMIN);
  }

  /** An admin or the mesh itself may act for anyone; a customer only for their own subject. */
  public boolean mayActFor(String userId) {
    return isAdmin() || (subject != null && subject.equals(userId));
  }

  private static Set<String> strings(JsonArray array) {
    Set<String> values = new LinkedHashSet<>();
    if (array != null) {
      array.forEach(v -> values.add(String.valueOf(v)));
    }
    return Set.copyOf(values);
  }

  private static Set<String> split(String list) {
    if (list == null || list.isBlank()) {
      return Set.of();
    }
    return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
  }
}
