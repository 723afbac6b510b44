package dev.mesh.common.testing;

import dev.mesh.common.LocalKeys;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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

  private final LocalKeys keys;

  private Tokens(LocalKeys keys) {
    this.keys = keys;
  }

  /** The key of a gateway whose MESH_DATA_DIR is {@code dataDir}. */
  public static Tokens of(Path dataDir) {
    return ofKeyDir(LocalKeys.defaultDir(dataDir.toString()));
  }

  public static Tokens ofKeyDir(Path keyDir) {
    try {
      return new Tokens(LocalKeys.loadOrCreate(keyDir));
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
    return keys.kid();
  }

  /** The header of a valid token: RS256 with this key's id. */
  public JsonObject header() {
    return new JsonObject().put("alg", "RS256").put("typ", "JWT").put("kid", keys.kid());
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
      rsa.initSign(keys.privateKey());
      rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + base64(rsa.sign());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The public key as PEM, for tests that forge an HMAC token keyed with it. */
  public String publicPem() {
    return keys.publicPem();
  }

  public static String encode(JsonObject json) {
    return base64(json.encode().getBytes(StandardCharsets.UTF_8));
  }

  public static String base64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
