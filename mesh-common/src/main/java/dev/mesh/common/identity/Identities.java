package dev.mesh.common.identity;

import dev.mesh.common.Caller;
import dev.mesh.common.MeshConfig;
import dev.mesh.common.MeshError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The identity every message between the mesh's JVMs carries: a short-lived JWT, signed with the mesh's
 * key ({@link IdentityKeys}), saying who acts ({@code sub}, {@code roles}, {@code scopes}), which service
 * sends it ({@code svc}) and which service it is for ({@code aud}). The service client signs it; a
 * service's dispatcher verifies it before it runs an action. A JVM without the key can neither make
 * one nor reuse one for another service.
 *
 * <p>Both sides keep what they did: the same caller toward the same service reuses its token until half
 * its life is gone, and a token seen before is not checked again while it is valid, so the cost per
 * message is a map lookup.
 */
public final class Identities implements Shareable {

  /** The message header the identity travels in; nothing else about the caller travels. */
  public static final String HEADER = "mesh-identity";
  static final String ISSUER = "mesh";
  static final long LIFETIME_S = 120;
  private static final int CACHE_MAX = 10_000;
  private static final String SHARED = "mesh.identities";

  private record SignedFor(Caller caller, String audience) {
  }

  private record Signed(String token, long renewAtNanos) {
  }

  private record Verified(Caller caller, String audience, long expiresAtMillis) {
  }

  private final Vertx vertx;
  private final IdentityKeys keys;
  private final JWTAuth signer;
  private final Map<String, JWTAuth> verifiers = new ConcurrentHashMap<>();
  private final Map<SignedFor, Signed> signed = new ConcurrentHashMap<>();
  private final Map<String, Verified> verified = new ConcurrentHashMap<>();

  private Identities(Vertx vertx, IdentityKeys keys) {
    this.vertx = vertx;
    this.keys = keys;
    this.signer = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(key(keys.current())));
  }

  /** The identities of this Vert.x instance (one key read per instance, shared by its verticles). */
  public static Identities of(Vertx vertx, MeshConfig settings) {
    LocalMap<String, Identities> shared = vertx.sharedData().getLocalMap(SHARED);
    return shared.computeIfAbsent(SHARED, k -> new Identities(vertx, IdentityKeys.from(settings)));
  }

  /** The token that says {@code caller} sends to {@code audience}. */
  public String sign(Caller caller, String audience) {
    SignedFor key = new SignedFor(caller, audience);
    Signed known = signed.get(key);
    long now = System.nanoTime();
    if (known != null && now < known.renewAtNanos()) {
      return known.token();
    }
    JsonObject claims = new JsonObject()
        .put("roles", new JsonArray(caller.roles().stream().sorted().toList()))
        .put("scopes", new JsonArray(caller.scopes().stream().sorted().toList()))
        .put("svc", caller.service());
    JWTOptions options = new JWTOptions().setAlgorithm("HS256").setIssuer(ISSUER)
        .setAudience(List.of(audience)).setExpiresInSeconds((int) LIFETIME_S);
    if (caller.subject() != null) {
      options.setSubject(caller.subject());
    }
    String token = signer.generateToken(claims, options);
    if (signed.size() >= CACHE_MAX) {
      signed.clear();
    }
    signed.put(key, new Signed(token, now + TimeUnit.SECONDS.toNanos(LIFETIME_S / 2)));
    return token;
  }

  /** The caller a token names, if it is valid, unexpired and for {@code audience}; else a 401. */
  public Future<Caller> verify(String token, String audience) {
    if (token == null || token.isEmpty()) {
      return Future.failedFuture(MeshError.unauthorized(
          "the message carries no identity; calls into a service go through the mesh's client"));
    }
    Verified known = verified.get(token);
    if (known != null && known.audience().equals(audience) && System.currentTimeMillis() < known.expiresAtMillis()) {
      return Future.succeededFuture(known.caller());
    }
    return verifier(audience).authenticate(new TokenCredentials(token))
        .recover(failure -> Future.failedFuture(MeshError.unauthorized(
            "the message's identity is not valid for '" + audience + "': " + failure.getMessage())))
        .compose(user -> {
          JsonObject claims = user.principal();
          Caller caller;
          try {
            caller = Caller.of(claims.getString("sub"), names(claims, "roles"), names(claims, "scopes"))
                .actingThrough(claims.getString("svc"));
          } catch (IllegalArgumentException malformed) {
            return Future.failedFuture(MeshError.unauthorized("the message's identity is malformed: "
                + malformed.getMessage()));
          }
          if (verified.size() >= CACHE_MAX) {
            verified.clear();
          }
          verified.put(token, new Verified(caller, audience, claims.getLong("exp", 0L) * 1000));
          return Future.succeededFuture(caller);
        });
  }

  private JWTAuth verifier(String audience) {
    return verifiers.computeIfAbsent(audience, aud -> {
      JWTAuthOptions options = new JWTAuthOptions()
          .setJWTOptions(new JWTOptions().setIssuer(ISSUER).setAudience(List.of(aud)).setLeeway(5));
      keys.accepted().forEach(k -> options.addPubSecKey(key(k)));
      return JWTAuth.create(vertx, options);
    });
  }

  private static PubSecKeyOptions key(IdentityKeys.Key key) {
    return new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(key.secret()).setId(key.id());
  }

  // names travel as arrays, one name each: a value that could be read as several is refused
  private static List<String> names(JsonObject claims, String claim) {
    Object value = claims.getValue(claim);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray array)) {
      throw new IllegalArgumentException(claim + " must be an array of names");
    }
    return array.stream().map(v -> {
      if (!(v instanceof String name) || name.isEmpty() || name.chars().anyMatch(c -> c == ',' || Character.isWhitespace(c))) {
        throw new IllegalArgumentException(claim + " holds a value that is not one plain name");
      }
      return name;
    }).toList();
  }
}
