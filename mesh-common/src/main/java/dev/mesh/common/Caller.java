package dev.mesh.common;

import dev.mesh.common.identity.Identities;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Who acts: the end user's subject, roles and scopes (as the gateway verified their token), and the
 * service that sends on their behalf or as itself ({@link #service}). Between JVMs it travels only as a
 * signed identity ({@link Identities}); a service's dispatcher verifies it and hands it to a handler as
 * the input field {@link #FIELD}, so no body can carry it. A message without a valid identity is refused:
 * nothing is trusted for being inside the mesh.
 */
public record Caller(String subject, Set<String> roles, Set<String> scopes, String service) {

  /** The input field a handler reads the caller from; anything a client puts there is replaced. */
  public static final String FIELD = "_caller";

  /** Message headers only the service client sets; the bridges drop look-alikes from their clients. */
  public static final Set<String> HEADERS = Set.of(Identities.HEADER);

  /** The role that may do everything a policy allows an operator. */
  public static final String ADMIN = "admin";

  public static final Caller ANONYMOUS = new Caller(null, Set.of(), Set.of(), null);

  public static Caller of(String subject, Collection<String> roles, Collection<String> scopes) {
    return new Caller(subject, Set.copyOf(roles), Set.copyOf(scopes), null);
  }

  /** A service acting as itself, for no end user. */
  public static Caller service(String name) {
    return new Caller(null, Set.of(), Set.of(), name);
  }

  /** The same end user, sent by {@code name}. */
  public Caller actingThrough(String name) {
    return new Caller(subject, roles, scopes, name);
  }

  /** The caller of an action, from the field the dispatcher set; {@link #ANONYMOUS} without one. */
  public static Caller of(JsonObject input) {
    JsonObject json = input == null ? null : input.getJsonObject(FIELD);
    if (json == null) {
      return ANONYMOUS;
    }
    return new Caller(json.getString("sub"), strings(json.getJsonArray("roles")),
        strings(json.getJsonArray("scopes")), json.getString("svc"));
  }

  public JsonObject toJson() {
    return new JsonObject().put("sub", subject).put("roles", new JsonArray(roles.stream().sorted().toList()))
        .put("scopes", new JsonArray(scopes.stream().sorted().toList())).put("svc", service);
  }

  public boolean authenticated() {
    return subject != null;
  }

  public boolean isAdmin() {
    return roles.contains(ADMIN);
  }

  /** An admin may act for anyone; a customer only for their own subject. */
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
}
