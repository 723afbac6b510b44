package dev.mesh.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.Endpoint;
import dev.mesh.common.Reply;
import dev.mesh.common.testing.Eventually;
import dev.mesh.common.testing.TestCluster;
import dev.mesh.common.testing.Tokens;
import dev.mesh.gateway.auth.TokenSettings;
import dev.mesh.gateway.bridge.BridgeSettings;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway with an OIDC issuer's keys: a real issuer on Vert.x in the test serves its OpenID
 * configuration and its JWKS; the gateway discovers the keys, accepts a rotated key once it has
 * refreshed (an unknown kid triggers it), and does not let made-up kids hammer the issuer.
 */
class IssuerKeysTest {

  private static final long MIN_REFRESH_MS = 2000;

  private final TestCluster cluster = TestCluster.create();
  private Vertx node;
  private HttpServer issuerServer;
  private String issuer;
  private String gateway;
  private final List<JsonObject> published = new CopyOnWriteArrayList<>();
  private final AtomicInteger jwksFetches = new AtomicInteger();
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    node = cluster.join();
    issuerServer = TestCluster.await(node.createHttpServer().requestHandler(request -> {
      switch (request.path()) {
        case "/.well-known/openid-configuration" -> request.response().putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("issuer", issuer).put("jwks_uri", issuer + "/jwks").encode());
        case "/jwks" -> {
          jwksFetches.incrementAndGet();
          request.response().putHeader("Content-Type", "application/json")
              .end(new JsonObject().put("keys", new JsonArray(List.copyOf(published))).encode());
        }
        default -> request.response().setStatusCode(404).end();
      }
    }).listen(0, "127.0.0.1"));
    issuer = "http://127.0.0.1:" + issuerServer.actualPort();
  }

  private void startGateway() {
    int port = TestCluster.freePort();
    JsonObject config = cluster.settings()
        .put(GatewayVerticle.PORT, port)
        .put(GatewayVerticle.REQUIRED_SERVICES, "")
        .put(BridgeSettings.TCP_PORT, -1)
        .put(TokenSettings.OIDC_ISSUER, issuer)
        .put(TokenSettings.JWKS_REFRESH_MS, 3_600_000) // only unknown kids refresh within this test
        .put(TokenSettings.JWKS_MIN_REFRESH_MS, MIN_REFRESH_MS);
    TestCluster.await(node.deployVerticle(new GatewayVerticle(), new DeploymentOptions().setConfig(config)));
    TestCluster.await(node.deployVerticle(new TestService("desk", List.of(
        Endpoint.get("/api/desk/me", "me", input -> Future.succeededFuture(Reply.ok(new JsonObject()))))),
        new DeploymentOptions().setConfig(cluster.settings())));
    gateway = "http://127.0.0.1:" + port;
  }

  @AfterEach
  void stop() {
    TestCluster.await(node.close());
  }

  @Test
  void aRotatedKeyIsAcceptedAfterTheRefreshItsUnknownKidTriggers() throws Exception {
    Tokens first = publish();
    startGateway();
    String firstToken = first.sign(first.header(), claims());
    Eventually.await(Duration.ofSeconds(15), "routed with the first key", () -> call(firstToken) == 200);
    assertEquals(1, jwksFetches.get(), "discovered and fetched once at start");

    Tokens second = publish();
    String secondToken = second.sign(second.header(), claims());
    Eventually.await(Duration.ofSeconds(20), "the rotated key accepted", () -> call(secondToken) == 200);
    assertEquals(200, call(firstToken), "the old key still verifies while the issuer publishes it");

    Tokens impostor = Tokens.forKey(keyPair().getPrivate(), second.kid());
    assertEquals(401, call(impostor.sign(impostor.header(), claims())), "a known kid with another key");
    assertEquals(401, call(second.sign(second.header(), claims().put("iss", "mesh"))), "the issuer must match");
  }

  @Test
  void madeUpKidsCannotHammerTheIssuer() throws Exception {
    Tokens key = publish();
    startGateway();
    Eventually.await(Duration.ofSeconds(15), "routed", () -> call(key.sign(key.header(), claims())) == 200);
    int before = jwksFetches.get();
    long started = System.nanoTime();
    for (int i = 0; i < 40; i++) {
      Tokens madeUp = Tokens.forKey(keyPair().getPrivate(), "kid-" + UUID.randomUUID());
      assertEquals(401, call(madeUp.sign(madeUp.header(), claims())));
    }
    long windows = Duration.ofNanos(System.nanoTime() - started).toMillis() / MIN_REFRESH_MS + 1;
    int fetched = jwksFetches.get() - before;
    assertTrue(fetched <= windows, "at most one refresh per " + MIN_REFRESH_MS + " ms: " + fetched + " in " + windows
        + " windows, for 40 unknown kids");
  }

  private JsonObject claims() {
    return Tokens.claims("ada", "customer").put("iss", issuer);
  }

  private int call(String token) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(gateway + "/api/desk/me"))
        .header("Authorization", Tokens.bearer(token)).GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  /** A new key pair, added to the issuer's JWKS; tokens signed with it. */
  private Tokens publish() throws Exception {
    KeyPair pair = keyPair();
    String kid = "key-" + (published.size() + 1);
    RSAPublicKey key = (RSAPublicKey) pair.getPublic();
    published.add(new JsonObject().put("kty", "RSA").put("use", "sig").put("alg", "RS256").put("kid", kid)
        .put("n", Tokens.base64(unsigned(key.getModulus()))).put("e", Tokens.base64(unsigned(key.getPublicExponent()))));
    return Tokens.forKey(pair.getPrivate(), kid);
  }

  private static byte[] unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    return bytes[0] == 0 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
  }

  private static KeyPair keyPair() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }
}
