package dev.mesh.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.Caller;
import dev.mesh.common.MeshConfig;
import dev.mesh.common.MeshError;
import dev.mesh.common.testing.TestCluster;
import dev.mesh.common.testing.Tokens;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Roles and scopes become a {@link Caller} only as plain names, checked on real RS256 tokens by the
 * gateway's own verifier: identity crosses JVMs as comma-joined headers, so a name with a comma in it
 * would turn into two roles downstream ({@code "customer,admin"} into {@code admin}).
 */
class TokenClaimsTest {

  @TempDir
  static Path keyDir;
  private static Vertx vertx;
  private static TokenVerifier verifier;
  private static Tokens tokens;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    verifier = TestCluster.await(TokenVerifier.create(vertx,
        TokenSettings.from(MeshConfig.of(new JsonObject().put(TokenSettings.KEY_DIR, keyDir.toString())))));
    tokens = Tokens.ofKeyDir(keyDir);
  }

  @AfterAll
  static void stop() {
    verifier.close();
    TestCluster.await(vertx.close());
  }

  @Test
  void rolesAndScopesThatAreListsOfNamesAreTaken() {
    Caller caller = verify(Tokens.claims("ada", "customer", "auditor").put("scope", "orders:read  orders:write "));
    assertEquals(Set.of("customer", "auditor"), caller.roles());
    assertEquals(Set.of("orders:read", "orders:write"), caller.scopes(), "OAuth's space-separated scope string");
    assertEquals(Set.of("admin"), verify(Tokens.claims("ada").put("roles", "admin")).roles(), "one name as a string");
    assertEquals(Set.of("x"), verify(Tokens.claims("ada").put("scope", new JsonArray().add("x"))).scopes());
    assertEquals(Set.of(), verify(Tokens.claims("ada").put("roles", new JsonArray())).roles());
  }

  @Test
  void aRoleOrScopeThatIsNotAPlainNameIsRefused() {
    List<JsonObject> refused = List.of(
        Tokens.claims("ada", "customer,admin"),
        Tokens.claims("ada", "customer", " admin"),
        Tokens.claims("ada", "customer admin"),
        Tokens.claims("ada", "customer\tadmin"),
        Tokens.claims("ada", "customer\nadmin"),
        Tokens.claims("ada", ""),
        Tokens.claims("ada").put("roles", "customer,admin"),
        Tokens.claims("ada").put("roles", new JsonArray().add(1)),
        Tokens.claims("ada").put("roles", new JsonArray().addNull()),
        Tokens.claims("ada").put("roles", new JsonArray().add(new JsonArray().add("admin"))),
        Tokens.claims("ada").put("roles", new JsonObject().put("admin", true)),
        Tokens.claims("ada").put("roles", true),
        Tokens.claims("ada").put("scope", "orders:read,orders:write"),
        Tokens.claims("ada").put("scope", new JsonArray().add("a,b")),
        Tokens.claims("ada").put("scope", 7));
    for (JsonObject claims : refused) {
      Throwable failure = verifier.verify(tokens.sign(tokens.header(), claims)).toCompletionStage()
          .handle((caller, error) -> error).toCompletableFuture().join();
      MeshError error = assertInstanceOf(MeshError.class, failure, "refused: " + claims.encode());
      assertEquals(401, error.status(), claims.encode());
      assertTrue(error.getMessage().contains("claim"), error.getMessage());
    }
  }

  private static Caller verify(JsonObject claims) {
    return TestCluster.await(verifier.verify(tokens.sign(tokens.header(), claims)));
  }
}
