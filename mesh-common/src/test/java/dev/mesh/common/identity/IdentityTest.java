package dev.mesh.common.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.Caller;
import dev.mesh.common.Endpoint;
import dev.mesh.common.MeshConfig;
import dev.mesh.common.MeshError;
import dev.mesh.common.MeshService;
import dev.mesh.common.Reply;
import dev.mesh.common.RoutePolicy;
import dev.mesh.common.ServiceClient;
import dev.mesh.common.testing.Eventually;
import dev.mesh.common.testing.TestCluster;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing is trusted for being inside: real clustered nodes, one serving a service, others calling it
 * with the mesh's key, with another key, and with none. The service answers only callers whose signed
 * identity it can verify, and each action only as its own policy allows.
 */
class IdentityTest {

  @TempDir
  static Path keys;
  private static TestCluster cluster;
  private static Vertx service;
  private static Vertx member;
  private static Vertx stranger;
  private static ServiceClient memberClient;
  private static ServiceClient strangerClient;

  /** Each action answers with the caller the dispatcher handed it. */
  static final class Vault extends MeshService {
    private final String name;

    Vault(String name) {
      this.name = name;
    }

    @Override
    protected String name() {
      return name;
    }

    @Override
    protected List<Endpoint> endpoints() {
      return List.of(
          Endpoint.action("peek", Vault::whoCalled).open(),
          Endpoint.action("read", Vault::whoCalled),
          Endpoint.action("wipe", Vault::whoCalled).requireRoles(Caller.ADMIN),
          Endpoint.action("restock", Vault::whoCalled).withPolicy(RoutePolicy.roles(Caller.ADMIN).orServices("orders")));
    }

    private static Future<Reply> whoCalled(JsonObject input) {
      return Future.succeededFuture(Reply.ok(Caller.of(input).toJson()));
    }
  }

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.create();
    service = cluster.join();
    TestCluster.await(service.deployVerticle(new Vault("vault"), new DeploymentOptions().setConfig(cluster.settings())));
    member = cluster.join();
    memberClient = client(member, cluster.settings(), "test");
    // the cluster's name and ports, and a key of its own: what a JVM that merely joins Hazelcast has
    Path strangerKey = writeKey(keys.resolve("stranger.key"), "a-key-the-mesh-never-gave-anyone-0123456789");
    stranger = cluster.join();
    Eventually.await(Duration.ofSeconds(15), "the vault serves the mesh's members",
        () -> TestCluster.await(memberClient.call("vault", "peek").json(new JsonObject()).map(true)
            .recover(e -> Future.succeededFuture(false))));
    strangerClient = client(stranger, cluster.settings().put(IdentityKeys.KEY_FILE, strangerKey.toString()),
        "test");
  }

  @AfterAll
  static void stop() {
    TestCluster.await(Future.join(service.close(), member.close(), stranger.close()));
  }

  @Test
  void aCallerIsWhoItsSignedIdentitySaysAndEachActionAsItsPolicyAllows() {
    Caller customer = Caller.of("ada", List.of("customer"), List.of());
    JsonObject seen = answer(memberClient.call("vault", "read").as(customer));
    assertEquals("ada", seen.getString("sub"));
    assertEquals(new JsonArray().add("customer"), seen.getJsonArray("roles"));
    assertEquals("test", seen.getString("svc"), "the service that sent it on the customer's behalf");

    assertEquals(403, status(memberClient.call("vault", "wipe").as(customer)), "a customer is no admin");
    assertEquals(200, status(memberClient.call("vault", "wipe").as(Caller.of("op", List.of(Caller.ADMIN), List.of()))));
    assertEquals(403, status(memberClient.call("vault", "read")),
        "a service acting for nobody is known, and is no user");
    assertEquals(200, status(memberClient.call("vault", "peek")), "an open action needs no user");

    assertEquals(200, status(client(member, cluster.settings(), "orders").call("vault", "restock")),
        "the policy grants the orders service, calling as itself");
    assertEquals(403, status(client(member, cluster.settings(), "shipping").call("vault", "restock")),
        "and no other service");
  }

  @Test
  void aJvmWithoutTheMeshsKeyIsAnsweredByNoService() {
    Caller admin = Caller.of("op", List.of(Caller.ADMIN), List.of());
    for (String action : List.of("peek", "read", "wipe", "restock")) {
      assertEquals(401, status(strangerClient.call("vault", action).as(admin)), action + " with another key");
      assertEquals(401, raw(stranger, action, new DeliveryOptions()), action + " with no identity at all");
      assertEquals(401, raw(stranger, action, new DeliveryOptions().addHeader(Identities.HEADER, "a.forged.token")),
          action + " with a forged identity");
    }
    MeshError refused = MeshError.from(refusalOf(stranger, "nothing"));
    assertEquals(401, refused.status(), "a stranger does not even learn which actions there are");
    assertTrue(!refused.getMessage().contains("peek"), refused.getMessage());
  }

  @Test
  void anIdentityMadeForOneServiceOrThatNamesRolesAsOneStringIsRefused() throws Exception {
    Identities mine = Identities.of(member, MeshConfig.of(cluster.settings()));
    String forOther = mine.sign(Caller.of("op", List.of(Caller.ADMIN), List.of()), "other");
    assertEquals(401, raw(member, "wipe", new DeliveryOptions().addHeader(Identities.HEADER, forOther)),
        "a token for another service cannot be replayed here");

    IdentityKeys.Key key = IdentityKeys.read(IdentityKeys.keyFile(MeshConfig.of(cluster.settings())));
    JWTAuth signer = JWTAuth.create(member, new JWTAuthOptions().addPubSecKey(
        new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(key.secret()).setId(key.id())));
    String joined = signer.generateToken(new JsonObject().put("roles", new JsonArray().add("customer,admin"))
            .put("svc", "test"),
        new JWTOptions().setAlgorithm("HS256").setIssuer(Identities.ISSUER).setAudience(List.of("vault"))
            .setSubject("ada").setExpiresInSeconds(60));
    assertEquals(401, raw(member, "wipe", new DeliveryOptions().addHeader(Identities.HEADER, joined)),
        "roles travel one name each: 'customer,admin' is neither");
  }

  @Test
  void aRotatedKeyAcceptsTheOldOneUntilItIsTakenAway() {
    Path previous = IdentityKeys.keyFile(MeshConfig.of(cluster.settings()));
    Path next = writeKey(keys.resolve("next.key"), "the-next-identity-key-of-this-mesh-0123456789");
    MeshConfig rotated = MeshConfig.of(cluster.settings().put(IdentityKeys.KEY_FILE, next.toString())
        .put(IdentityKeys.PREVIOUS_KEY_FILE, previous.toString()));
    IdentityKeys both = IdentityKeys.from(rotated);
    assertEquals(2, both.accepted().size());
    assertNotEquals(both.current().id(), both.accepted().get(1).id());

    Vertx restarted = cluster.join();
    try {
      TestCluster.await(restarted.deployVerticle(new Vault("vault2"),
          new DeploymentOptions().setConfig(rotated.overrides())));
      Eventually.await(Duration.ofSeconds(15), "vault2 serves",
          () -> TestCluster.await(memberClient.call("vault2", "peek").json(new JsonObject()).map(true)
              .recover(e -> Future.succeededFuture(false))));
      assertEquals(200, status(memberClient.call("vault2", "peek")), "signed with the previous key");
      assertEquals(200, status(client(restarted, rotated.overrides(), "test").call("vault2", "peek")),
          "signed with the new key");
      assertEquals(401, status(strangerClient.call("vault2", "peek")), "signed with neither");
    } finally {
      TestCluster.await(restarted.close());
    }
  }

  @Test
  void aKeyGivenAsItsValueIsTheKeyOfItsFile() throws Exception {
    Path file = IdentityKeys.keyFile(MeshConfig.of(cluster.settings()));
    JsonObject byValue = new JsonObject().put(IdentityKeys.KEY, Files.readString(file))
        .put(IdentityKeys.PREVIOUS_KEY, "the-next-identity-key-of-this-mesh-0123456789");
    IdentityKeys given = IdentityKeys.from(MeshConfig.of(byValue));
    assertEquals(IdentityKeys.read(file), given.current(), "as the images' entrypoint passes a _FILE on");
    assertEquals(2, given.accepted().size());
  }

  // the identities of one Vert.x instance are made once, from the settings of whoever asks first
  private static ServiceClient client(Vertx vertx, JsonObject settings, String self) {
    return new ServiceClient(vertx, Identities.of(vertx, MeshConfig.of(settings)), self, null, 20_000);
  }

  private static JsonObject answer(ServiceClient.Call call) {
    return TestCluster.await(call.json(new JsonObject()));
  }

  private static int status(ServiceClient.Call call) {
    return TestCluster.await(call.request(new JsonObject()).map(reply -> 200)
        .recover(failure -> Future.succeededFuture(MeshError.from(failure).status())));
  }

  private static int raw(Vertx from, String action, DeliveryOptions delivery) {
    Future<Message<Object>> reply = from.eventBus().request("mesh.vault", new JsonObject(),
        delivery.addHeader(MeshService.ACTION_HEADER, action).setSendTimeout(20_000));
    return TestCluster.await(reply.map(r -> 200).recover(f -> Future.succeededFuture(MeshError.from(f).status())));
  }

  private static Throwable refusalOf(Vertx from, String action) {
    return TestCluster.await(from.eventBus().request("mesh.vault", new JsonObject(),
            new DeliveryOptions().addHeader(MeshService.ACTION_HEADER, action).setSendTimeout(20_000))
        .map(r -> (Throwable) new IllegalStateException("answered a stranger"))
        .recover(Future::succeededFuture));
  }

  private static Path writeKey(Path file, String secret) {
    try {
      Files.writeString(file, secret + "\n");
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      return file;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
