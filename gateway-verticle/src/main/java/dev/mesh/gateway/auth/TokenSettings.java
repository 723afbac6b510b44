package dev.mesh.gateway.auth;

import dev.mesh.common.Database;
import dev.mesh.common.LocalKeys;
import dev.mesh.common.MeshConfig;
import java.nio.file.Path;

/**
 * How the gateway checks bearer tokens, read once at start. Names are environment variables; README's
 * configuration table lists them.
 */
public record TokenSettings(String issuer, String audience, int leewaySeconds, Path keyDir, String rolesClaim,
    String scopesClaim) {

  public static final String ISSUER = "GATEWAY_JWT_ISSUER";
  public static final String AUDIENCE = "GATEWAY_JWT_AUDIENCE";
  public static final String LEEWAY_SECONDS = "GATEWAY_JWT_LEEWAY_SECONDS";
  public static final String KEY_DIR = "GATEWAY_JWT_KEY_DIR";
  public static final String ROLES_CLAIM = "GATEWAY_JWT_ROLES_CLAIM";
  public static final String SCOPES_CLAIM = "GATEWAY_JWT_SCOPES_CLAIM";

  /** The issuer and audience of the mesh's own tokens ({@code ./mesh token}). */
  public static final String LOCAL_ISSUER = "mesh";
  public static final String LOCAL_AUDIENCE = "mesh-api";

  public static TokenSettings from(MeshConfig config) {
    Path defaultKeys = LocalKeys.defaultDir(config.get(Database.DATA_DIR, "var/data"));
    return new TokenSettings(
        config.get(ISSUER, LOCAL_ISSUER),
        config.get(AUDIENCE, LOCAL_AUDIENCE),
        config.getInt(LEEWAY_SECONDS, 30),
        Path.of(config.get(KEY_DIR, defaultKeys.toString())).toAbsolutePath(),
        config.get(ROLES_CLAIM, "roles"),
        config.get(SCOPES_CLAIM, "scope"));
  }
}
