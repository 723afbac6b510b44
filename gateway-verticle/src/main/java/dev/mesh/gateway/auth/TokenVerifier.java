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
import io.vertx.ext.auth.NoSuchKeyIdException;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a bearer token with the Vert.x auth providers (vertx-auth-jwt for the mesh's own key,
 * vertx-auth-oauth2 for an issuer's): signature by a known key (only the asymmetric algorithm of that
 * key: {@code alg: none} and an HMAC token keyed with the public key find no key and fail),
 * {@code exp}/{@code nbf} with a small leeway, {@code iss} and {@code aud}. What it proves becomes a
 * {@link Caller}: subject, roles and scopes.
 */
public final class TokenVerifier {

  private static final Logger log = LoggerFactory.getLogger(TokenVerifier.class);

  private final VerificationKeys keys;
  private final TokenSettings settings;
  private final VerifiedTokens verified;

  private TokenVerifier(VerificationKeys keys, TokenSettings settings) {
    this.keys = keys;
    this.settings = settings;
    this.verified = new VerifiedTokens(settings.cacheMs(), settings.cacheSize());
  }

  /** With an issuer's keys when the settings name one (OIDC or JWKS), else with the mesh's own key pair. */
  public static Future<TokenVerifier> create(Vertx vertx, TokenSettings settings) {
    Future<VerificationKeys> keys = settings.remoteKeys() ? IssuerKeys.start(vertx, settings) : local(vertx, settings);
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
        public AuthenticationProvider current() {
          return auth;
        }

        @Override
        public Future<AuthenticationProvider> afterMissingKey() {
          return Future.succeededFuture(auth); // one key, never refreshed
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
    Caller known = verified.get(token, System.currentTimeMillis());
    if (known != null) {
      return Future.succeededFuture(known);
    }
    TokenCredentials credentials = new TokenCredentials(token);
    return keys.current().authenticate(credentials)
        .recover(failure -> failure instanceof NoSuchKeyIdException
            ? keys.afterMissingKey().compose(fresh -> fresh.authenticate(credentials))
            : Future.failedFuture(failure))
        .recover(failure -> Future.failedFuture(MeshError.unauthorized("the bearer token is not valid: "
            + (failure instanceof NoSuchKeyIdException ? "signed by no key the gateway knows" : failure.getMessage()))))
        .map(user -> caller(token, user));
  }

  private Caller caller(String token, User user) {
    JsonObject claims = user.attributes().getJsonObject("accessToken", user.principal());
    String subject = claims.getValue("sub") instanceof String s && !s.isBlank() ? s : null;
    if (subject == null) {
      throw MeshError.unauthorized("the bearer token names no subject ('sub')");
    }
    // vertx-auth-oauth2 checks aud only when the token has one; vertx-auth-jwt refuses a token without
    Object aud = claims.getValue("aud");
    if (!(settings.audience().equals(aud) || aud instanceof JsonArray array && array.contains(settings.audience()))) {
      throw MeshError.unauthorized("the bearer token is not for this API ('aud')");
    }
    Caller caller = Caller.of(subject, ClaimValues.names(settings.rolesClaim(), claims.getValue(settings.rolesClaim())),
        ClaimValues.names(settings.scopesClaim(), claims.getValue(settings.scopesClaim())));
    verified.put(token, caller, claims.getValue("exp") instanceof Number exp ? exp.longValue() : 0,
        System.currentTimeMillis());
    return caller;
  }
}
