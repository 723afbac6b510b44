package dev.mesh.gateway.auth;

import dev.mesh.common.Caller;
import dev.mesh.common.LocalKeys;
import dev.mesh.common.MeshError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a bearer token with vertx-auth-jwt: signature by a known key (only the asymmetric algorithm
 * of that key: {@code alg: none} and an HMAC token keyed with the public key find no key and fail),
 * {@code exp}/{@code nbf} with a small leeway, {@code iss} and {@code aud}. What it proves becomes a
 * {@link Caller}: subject, roles and scopes.
 */
public final class TokenVerifier {

  private static final Logger log = LoggerFactory.getLogger(TokenVerifier.class);

  private final VerificationKeys keys;
  private final TokenSettings settings;

  private TokenVerifier(VerificationKeys keys, TokenSettings settings) {
    this.keys = keys;
    this.settings = settings;
  }

  /** With an issuer's keys when the settings name one (OIDC or JWKS), else with the mesh's own key pair. */
  public static Future<TokenVerifier> create(Vertx vertx, TokenSettings settings) {
    Future<VerificationKeys> keys = settings.remoteKeys() ? JwksKeys.start(vertx, settings) : local(vertx, settings);
    return keys.map(k -> new TokenVerifier(k, settings));
  }

  /** The mesh's local key pair, made on first start. */
  private static Future<VerificationKeys> local(Vertx vertx, TokenSettings settings) {
    return vertx.executeBlocking(() -> LocalKeys.loadOrCreate(settings.keyDir())).map(local -> {
      log.info("verifying bearer tokens with the local key {} ({})", local.kid(), settings.keyDir());
      JWTAuthOptions options = new JWTAuthOptions()
          .addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(local.publicPem()).setId(local.kid()))
          .setJWTOptions(checks(settings));
      JWTAuth auth = JWTAuth.create(vertx, options);
      return new VerificationKeys() {
        @Override
        public JWTAuth current() {
          return auth;
        }

        @Override
        public boolean knows(String kid) {
          return local.kid().equals(kid);
        }

        @Override
        public Future<JWTAuth> afterUnknownKid(String kid) {
          return Future.succeededFuture(auth);
        }
      };
    });
  }

  public void close() {
    keys.close();
  }

  static JWTOptions checks(TokenSettings settings) {
    return new JWTOptions().setIssuer(settings.issuer()).setAudience(List.of(settings.audience()))
        .setLeeway(settings.leewaySeconds());
  }

  /** The caller the token proves; fails with a 401 MeshError when it proves nothing. */
  public Future<Caller> verify(String token) {
    String kid = kidOf(token);
    Future<JWTAuth> auth = kid == null || keys.knows(kid) ? Future.succeededFuture(keys.current())
        : keys.afterUnknownKid(kid);
    return auth.compose(current -> current.authenticate(new TokenCredentials(token)))
        .recover(failure -> Future.failedFuture(MeshError.unauthorized("the bearer token is not valid: "
            + failure.getMessage())))
        .map(this::caller);
  }

  /** The {@code kid} of the token's header, or null when it has none or is no JWT at all. */
  private static String kidOf(String token) {
    int dot = token.indexOf('.');
    if (dot <= 0) {
      return null;
    }
    try {
      JsonObject header = new JsonObject(new String(Base64.getUrlDecoder().decode(token.substring(0, dot)),
          StandardCharsets.UTF_8));
      return header.getValue("kid") instanceof String kid ? kid : null;
    } catch (RuntimeException notAJwt) {
      return null;
    }
  }

  private Caller caller(User user) {
    JsonObject claims = user.attributes().getJsonObject("accessToken", user.principal());
    String subject = claims.getValue("sub") instanceof String s && !s.isBlank() ? s : null;
    if (subject == null) {
      throw MeshError.unauthorized("the bearer token names no subject ('sub')");
    }
    return Caller.of(subject, list(claims.getValue(settings.rolesClaim())), list(claims.getValue(settings.scopesClaim())));
  }

  /** A claim given as a JSON array or as one space- or comma-separated string (OAuth's {@code scope}). */
  private static List<String> list(Object claim) {
    List<String> values = new ArrayList<>();
    if (claim instanceof JsonArray array) {
      array.forEach(v -> values.add(String.valueOf(v)));
    } else if (claim instanceof String text) {
      Arrays.stream(text.split("[ ,]")).filter(s -> !s.isBlank()).forEach(values::add);
    }
    return values;
  }
}
