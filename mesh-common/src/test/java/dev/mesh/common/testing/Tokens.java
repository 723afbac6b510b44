package dev.mesh.common.testing;

import dev.mesh.common.LocalKeys;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * Bearer tokens for tests, signed with the mesh's own local key (the one the gateway makes under its
 * data directory; made here first if the gateway has not started yet). One line in a test:
 * {@code Tokens.of(dataDir).mint("user-id", "admin")}. {@link #sign} makes any token at all, for tests
 * of what the gateway refuses.
 */
public final class Tokens {

  /** The gateway's defaults for the mesh's own tokens (GATEWAY_JWT_ISSUER / GATEWAY_JWT_AUDIENCE). */
  public static final String ISSUER = "mesh";
  public static final String AUDIENCE = "mesh-api";

  private final PrivateKey key;
  private final String kid;
  private final String publicPem;

  private Tokens(PrivateKey key, String kid, String publicPem) {
    this.key = key;
    this.kid = kid;
    this.publicPem = publicPem;
  }

  /** Tokens signed with any RSA key, such as one a test's own OIDC server publishes. */
  public static Tokens forKey(PrivateKey key, String kid) {
    return new Tokens(key, kid, null);
  }

  /** The key of a gateway whose MESH_DATA_DIR is {@code dataDir}. */
  public static Tokens of(Path dataDir) {
    return ofKeyDir(LocalKeys.defaultDir(dataDir.toString()));
  }

  public static Tokens ofKeyDir(Path keyDir) {
    try {
      LocalKeys keys = LocalKeys.loadOrCreate(keyDir);
      return new Tokens(keys.privateKey(), keys.kid(), keys.publicPem());
    } catch (Exception e) {
      throw new IllegalStateException("cannot read or make the signing key in " + keyDir, e);
    }
  }

  /** A valid token for an hour: subject, roles. */
  public String mint(String subject, String... roles) {
    return sign(header(), claims(subject, roles));
  }

  /** A token with every role: the operator's. */
  public String admin() {
    return mint("admin", "admin");
  }

  /** {@code Authorization} header value. */
  public static String bearer(String token) {
    return "Bearer " + token;
  }

  public String kid() {
    return kid;
  }

  /** The header of a valid token: RS256 with this key's id. */
  public JsonObject header() {
    return new JsonObject().put("alg", "RS256").put("typ", "JWT").put("kid", kid);
  }

  /** The claims of a valid token, to change one of them. */
  public static JsonObject claims(String subject, String... roles) {
    long now = Instant.now().getEpochSecond();
    return new JsonObject().put("sub", subject).put("iss", ISSUER).put("aud", AUDIENCE)
        .put("iat", now).put("exp", now + 3600).put("roles", new JsonArray(List.of(roles)));
  }

  /** Signs exactly what is given with this key (SHA256withRSA), whatever the header says. */
  public String sign(JsonObject header, JsonObject claims) {
    String signingInput = encode(header) + "." + encode(claims);
    try {
      Signature rsa = Signature.getInstance("SHA256withRSA");
      rsa.initSign(key);
      rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + base64(rsa.sign());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The public key as PEM, for tests that forge an HMAC token keyed with it. */
  public String publicPem() {
    return publicPem;
  }

  public static String encode(JsonObject json) {
    return base64(json.encode().getBytes(StandardCharsets.UTF_8));
  }

  public static String base64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
