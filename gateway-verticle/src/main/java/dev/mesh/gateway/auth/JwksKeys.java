package dev.mesh.gateway.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An issuer's signing keys for real deployments: found by OIDC discovery
 * ({@code <GATEWAY_OIDC_ISSUER>/.well-known/openid-configuration} names the {@code jwks_uri}) or given
 * as {@code GATEWAY_JWKS_URL}, fetched at start and every {@code GATEWAY_JWKS_REFRESH_MS}. A token whose
 * {@code kid} is unknown triggers a refresh at once, at most one per {@code GATEWAY_JWKS_MIN_REFRESH_MS}
 * (so a flood of made-up kids cannot hammer the issuer): a rotated key is accepted from its first use.
 */
final class JwksKeys implements VerificationKeys {

  private static final Logger log = LoggerFactory.getLogger(JwksKeys.class);

  private final Vertx vertx;
  private final TokenSettings settings;
  private final WebClient client;
  private volatile JWTAuth auth;
  private volatile Set<String> kids = Set.of();
  private String jwksUri;
  private long lastFetchNanos;
  private Future<JWTAuth> refreshing;
  private long timer = -1;

  private JwksKeys(Vertx vertx, TokenSettings settings) {
    this.vertx = vertx;
    this.settings = settings;
    this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(2000));
    this.auth = build(new JsonArray());
  }

  /** Ready once the first fetch answered, or failed (then every token is refused until a refresh works). */
  static Future<VerificationKeys> start(Vertx vertx, TokenSettings settings) {
    JwksKeys keys = new JwksKeys(vertx, settings);
    keys.timer = vertx.setPeriodic(settings.jwksRefreshMs(), id -> keys.refresh());
    return keys.refresh().<VerificationKeys>map(auth -> keys).recover(e -> Future.succeededFuture(keys));
  }

  @Override
  public JWTAuth current() {
    return auth;
  }

  @Override
  public boolean knows(String kid) {
    return kids.contains(kid);
  }

  @Override
  public synchronized Future<JWTAuth> afterUnknownKid(String kid) {
    if (refreshing != null) {
      return refreshing;
    }
    if (System.nanoTime() - lastFetchNanos < settings.jwksMinRefreshMs() * 1_000_000L) {
      return Future.succeededFuture(auth);
    }
    log.info("token with unknown key id {}: refreshing the issuer's keys", kid);
    return refresh().recover(e -> Future.succeededFuture(auth));
  }

  @Override
  public void close() {
    vertx.cancelTimer(timer);
    client.close();
  }

  private synchronized Future<JWTAuth> refresh() {
    if (refreshing != null) {
      return refreshing;
    }
    lastFetchNanos = System.nanoTime();
    Future<JWTAuth> fetch = jwksUri().compose(uri -> client.getAbs(uri).send()).map(response -> {
      JsonArray keys = json(response).getJsonArray("keys", new JsonArray());
      JWTAuth fresh = build(keys);
      Set<String> ids = new HashSet<>();
      keys.forEach(k -> ids.add(((JsonObject) k).getString("kid")));
      auth = fresh;
      kids = Set.copyOf(ids);
      log.debug("issuer keys: {}", ids);
      return fresh;
    }).onFailure(e -> log.warn("could not fetch the issuer's keys: {}", e.getMessage()));
    refreshing = fetch;
    fetch.onComplete(done -> {
      synchronized (this) {
        refreshing = null;
      }
    });
    return fetch;
  }

  /** The JWKS URL: given, or discovered once from the issuer's OpenID configuration. */
  private Future<String> jwksUri() {
    if (jwksUri != null) {
      return Future.succeededFuture(jwksUri);
    }
    if (settings.jwksUrl() != null) {
      return Future.succeededFuture(jwksUri = settings.jwksUrl());
    }
    String issuer = settings.oidcIssuer().endsWith("/") ? settings.oidcIssuer().substring(0, settings.oidcIssuer().length() - 1)
        : settings.oidcIssuer();
    return client.getAbs(issuer + "/.well-known/openid-configuration").send().map(response -> {
      String uri = json(response).getString("jwks_uri");
      if (uri == null) {
        throw new IllegalStateException("the issuer's OpenID configuration names no jwks_uri");
      }
      return jwksUri = uri;
    });
  }

  private JWTAuth build(JsonArray keys) {
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(TokenVerifier.checks(settings));
    for (Object item : keys) {
      if (!(item instanceof JsonObject jwk) || "enc".equals(jwk.getString("use"))) {
        continue;
      }
      if ("RSA".equals(jwk.getString("kty"))) {
        options.addJwk(jwk.containsKey("alg") ? jwk : jwk.copy().put("alg", "RS256"));
      } else if ("EC".equals(jwk.getString("kty")) && jwk.containsKey("alg")) {
        options.addJwk(jwk);
      }
    }
    return JWTAuth.create(vertx, options);
  }

  private static JsonObject json(HttpResponse<?> response) {
    if (response.statusCode() != 200) {
      throw new IllegalStateException("the issuer answered " + response.statusCode());
    }
    return response.bodyAsJsonObject();
  }
}
