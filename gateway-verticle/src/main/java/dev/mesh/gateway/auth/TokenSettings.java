package dev.mesh.gateway.auth;

import dev.mesh.common.LocalKeys;
import dev.mesh.common.MeshConfig;
import java.nio.file.Path;

/**
 * How the gateway checks bearer tokens, read once at start. Names are environment variables; README's
 * configuration table lists them.
 */
public record TokenSettings(String issuer, String audience, int leewaySeconds, Path keyDir, String rolesClaim,
    String scopesClaim, String oidcIssuer, String jwksUrl, long jwksRefreshMs, long jwksMinRefreshMs, long cacheMs, int cacheSize) {

  public static final String ISSUER = "GATEWAY_JWT_ISSUER";
  public static final String AUDIENCE = "GATEWAY_JWT_AUDIENCE";
  public static final String LEEWAY_SECONDS = "GATEWAY_JWT_LEEWAY_SECONDS";
  public static final String KEY_DIR = "GATEWAY_JWT_KEY_DIR";
  /** The mesh's data directory, as the services read it (mesh-db's Database.DATA_DIR): the key lives below it. */
  public static final String ROLES_CLAIM = "GATEWAY_JWT_ROLES_CLAIM";
  public static final String SCOPES_CLAIM = "GATEWAY_JWT_SCOPES_CLAIM";
  public static final String OIDC_ISSUER = "GATEWAY_OIDC_ISSUER";
  public static final String JWKS_URL = "GATEWAY_JWKS_URL";
  public static final String JWKS_REFRESH_MS = "GATEWAY_JWKS_REFRESH_MS";
  public static final String JWKS_MIN_REFRESH_MS = "GATEWAY_JWKS_MIN_REFRESH_MS";
  public static final String CACHE_MS = "GATEWAY_TOKEN_CACHE_MS";
  public static final String CACHE_SIZE = "GATEWAY_TOKEN_CACHE_SIZE";

  /** The issuer and audience of the mesh's own tokens ({@code ./mesh token}). */
  public static final String LOCAL_ISSUER = "mesh";
  public static final String LOCAL_AUDIENCE = "mesh-api";

  public static TokenSettings from(MeshConfig config) {
    Path defaultKeys = LocalKeys.defaultDir(config.dataDir().toString());
    String oidcIssuer = config.get(OIDC_ISSUER, null);
    return new TokenSettings(
        config.get(ISSUER, oidcIssuer != null ? oidcIssuer : LOCAL_ISSUER),
        config.get(AUDIENCE, LOCAL_AUDIENCE),
        config.getInt(LEEWAY_SECONDS, 30),
        Path.of(config.get(KEY_DIR, defaultKeys.toString())).toAbsolutePath(),
        config.get(ROLES_CLAIM, "roles"),
        config.get(SCOPES_CLAIM, "scope"),
        oidcIssuer,
        config.get(JWKS_URL, null),
        config.getInt(JWKS_REFRESH_MS, 300_000),
        config.getInt(JWKS_MIN_REFRESH_MS, 5_000),
        config.getInt(CACHE_MS, 60_000),
        config.getInt(CACHE_SIZE, 10_000));
  }

  /** Keys come from an issuer (discovery or a JWKS URL) rather than the mesh's own key pair. */
  public boolean remoteKeys() {
    return oidcIssuer != null || jwksUrl != null;
  }
}
