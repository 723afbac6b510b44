package dev.mesh.gateway.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.ext.auth.NoSuchKeyIdException;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.auth.oauth2.providers.OpenIDConnectAuth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An issuer's signing keys for real deployments, through vertx-auth-oauth2: OIDC discovery
 * ({@code GATEWAY_OIDC_ISSUER}, {@link OpenIDConnectAuth#discover}) or a plain {@code GATEWAY_JWKS_URL},
 * the JWKS fetched at start and every {@code GATEWAY_JWKS_REFRESH_MS} ({@link OAuth2Auth#jWKSet}). A token
 * whose key is missing refreshes at once, at most once per {@code GATEWAY_JWKS_MIN_REFRESH_MS} (so made-up
 * kids cannot hammer the issuer): a rotated key is accepted from its first token. Tokens are verified
 * locally only: no introspection or userinfo call, ever.
 */
final class IssuerKeys implements VerificationKeys {

  private static final Logger log = LoggerFactory.getLogger(IssuerKeys.class);

  /** Before the first fetch worked, every key is missing (so a token asks for a refresh). */
  private static final AuthenticationProvider NO_KEYS_YET =
      credentials -> Future.failedFuture(new NoSuchKeyIdException("RS256"));

  private final Vertx vertx;
  private final TokenSettings settings;
  /** Published once it holds the issuer's keys. */
  private volatile OAuth2Auth auth;
  private OAuth2Auth jwksOnly;
  private long lastFetchNanos;
  private Future<Void> refreshing;
  private long timer = -1;

  private IssuerKeys(Vertx vertx, TokenSettings settings) {
    this.vertx = vertx;
    this.settings = settings;
  }

  /** Ready once the first fetch answered, or failed (then every token is refused until a refresh works). */
  static Future<VerificationKeys> start(Vertx vertx, TokenSettings settings) {
    IssuerKeys keys = new IssuerKeys(vertx, settings);
    keys.timer = vertx.setPeriodic(settings.jwksRefreshMs(), id -> keys.refresh());
    return keys.refresh().otherwiseEmpty().map(keys);
  }

  @Override
  public AuthenticationProvider current() {
    OAuth2Auth current = auth;
    if (current == null) {
      return NO_KEYS_YET;
    }
    // OAuth2Auth says only that it cannot introspect a token it could not verify locally: say what that means
    return credentials -> current.authenticate(credentials).recover(failure -> Future.failedFuture(
        failure instanceof NoSuchKeyIdException ? failure
            : new IllegalStateException("its signature, expiry, issuer or audience does not check out")));
  }

  @Override
  public synchronized Future<AuthenticationProvider> afterMissingKey() {
    if (refreshing == null) {
      if (System.nanoTime() - lastFetchNanos < settings.jwksMinRefreshMs() * 1_000_000L) {
        return Future.succeededFuture(current());
      }
      log.info("a token names a key the gateway does not have: refreshing the issuer's keys");
    }
    return refresh().otherwiseEmpty().map(v -> current());
  }

  @Override
  public void close() {
    vertx.cancelTimer(timer);
    OAuth2Auth current = auth;
    if (current != null) {
      current.close();
    }
  }

  /** One fetch at a time: discovery (until it has worked once) or the JWKS again. */
  private synchronized Future<Void> refresh() {
    if (refreshing != null) {
      return refreshing;
    }
    lastFetchNanos = System.nanoTime();
    Future<Void> fetch = (auth == null ? connect() : auth.jWKSet())
        .onFailure(e -> log.warn("could not fetch the issuer's keys: {}", e.getMessage()));
    refreshing = fetch;
    fetch.onComplete(done -> {
      synchronized (this) {
        refreshing = null;
      }
    });
    return fetch;
  }

  /** The provider with its first key set: discovered from the issuer, or from the JWKS URL alone. */
  private Future<Void> connect() {
    OAuth2Options options = new OAuth2Options()
        // the checks of TokenVerifier.checks; clientId too, as OAuth2 requires one and checks some tokens' aud with it
        .setJWTOptions(TokenVerifier.checks(settings))
        .setClientId(settings.audience())
        .setHttpClientOptions(new HttpClientOptions().setConnectTimeout(2000).setIdleTimeout(10));
    if (settings.oidcIssuer() == null) {
      if (jwksOnly == null) {
        jwksOnly = OAuth2Auth.create(vertx, options.setJwkPath(settings.jwksUrl()));
      }
      OAuth2Auth provider = jwksOnly;
      return provider.jWKSet().onSuccess(v -> auth = provider);
    }
    return OpenIDConnectAuth.discover(vertx, options.setSite(settings.oidcIssuer())).map(discovered -> {
      // Discovery copied the issuer's endpoints into options, which the provider keeps using. With an
      // introspection or userinfo endpoint, OAuth2Auth would ask the issuer about any token it cannot verify
      // locally (an expired one, another's audience): no remote call decides a token here, only the keys.
      options.setIntrospectionPath(null).setUserInfoPath(null);
      // and iss must be GATEWAY_JWT_ISSUER (by default the issuer as configured), as with local keys
      options.getJWTOptions().setIssuer(settings.issuer());
      auth = discovered;
      return null;
    });
  }
}
