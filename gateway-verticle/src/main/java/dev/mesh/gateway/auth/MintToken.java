package dev.mesh.gateway.auth;

import dev.mesh.common.LocalKeys;
import dev.mesh.common.MeshConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * {@code ./mesh token --sub <id> [--roles a,b] [--scopes x,y] [--ttl 1h]}: prints a token signed with the
 * mesh's local key (made if there is none yet), for the gateway's issuer and audience. Whoever can read
 * the key directory can mint tokens: it is the operator's.
 */
public final class MintToken {

  private MintToken() {
  }

  public static void main(String[] args) throws Exception {
    String subject = null;
    List<String> roles = List.of();
    List<String> scopes = List.of();
    Duration ttl = Duration.ofHours(1);
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--sub" -> subject = args[i + 1];
        case "--roles" -> roles = split(args[i + 1]);
        case "--scopes" -> scopes = split(args[i + 1]);
        case "--ttl" -> ttl = duration(args[i + 1]);
        default -> usage("unknown option " + args[i]);
      }
    }
    if (subject == null || subject.isBlank() || args.length % 2 != 0) {
      usage("--sub is required");
    }
    TokenSettings settings = TokenSettings.from(MeshConfig.fromEnvironment());
    LocalKeys keys = LocalKeys.loadOrCreate(settings.keyDir());
    Vertx vertx = Vertx.vertx();
    try {
      System.out.println(sign(vertx, keys, settings, subject, roles, scopes, ttl));
    } finally {
      vertx.close();
    }
  }

  static String sign(Vertx vertx, LocalKeys keys, TokenSettings settings, String subject, List<String> roles,
      List<String> scopes, Duration ttl) {
    JWTAuth signer = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(keys.privatePem()).setId(keys.kid())));
    JsonObject claims = new JsonObject().put(settings.rolesClaim(), new JsonArray(roles));
    if (!scopes.isEmpty()) {
      claims.put(settings.scopesClaim(), String.join(" ", scopes));
    }
    return signer.generateToken(claims, new JWTOptions().setAlgorithm("RS256").setSubject(subject)
        .setIssuer(settings.issuer()).setAudience(List.of(settings.audience()))
        .setExpiresInSeconds((int) ttl.toSeconds()));
  }

  /** {@code 90s}, {@code 30m}, {@code 1h}, {@code 7d}, or plain seconds. */
  static Duration duration(String text) {
    char unit = text.charAt(text.length() - 1);
    if (Character.isDigit(unit)) {
      return Duration.ofSeconds(Long.parseLong(text));
    }
    long amount = Long.parseLong(text.substring(0, text.length() - 1));
    return switch (unit) {
      case 's' -> Duration.ofSeconds(amount);
      case 'm' -> Duration.ofMinutes(amount);
      case 'h' -> Duration.ofHours(amount);
      case 'd' -> Duration.ofDays(amount);
      default -> throw new IllegalArgumentException("--ttl takes 90s, 30m, 1h or 7d, not " + text);
    };
  }

  private static List<String> split(String list) {
    return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static void usage(String problem) {
    System.err.println(problem + "\nusage: ./mesh token --sub <id> [--roles a,b] [--scopes x,y] [--ttl 1h]");
    System.exit(2);
  }
}
