package dev.mesh.gateway;

import static dev.mesh.gateway.GatewayRoutingTest.assertJsonError;
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
import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway with an OIDC issuer's keys (vertx-auth-oauth2): a real issuer on Vert.x in the test serves
 * its OpenID configuration and its JWKS; the gateway discovers the keys (or takes a JWKS URL alone),
 * refuses what the token table refuses, accepts a rotated key once it has refreshed (an unknown kid
 * triggers it), and does not let made-up kids hammer the issuer. The issuer also offers introspection and
 * userinfo endpoints that vouch for any token: the gateway must never ask them.
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
  private final AtomicInteger discoveries = new AtomicInteger();
  private final AtomicInteger remoteChecks = new AtomicInteger();
  private volatile boolean issuerDown;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    node = cluster.join();
    issuerServer = TestCluster.await(node.createHttpServer().requestHandler(request -> {
      if (issuerDown) {
        request.response().setStatusCode(503).end();
        return;
      }
      switch (request.path()) {
        case "/.well-known/openid-configuration" -> {
          discoveries.incrementAndGet();
          request.response().putHeader("Content-Type", "application/json")
              .end(new JsonObject().put("issuer", issuer).put("jwks_uri", issuer + "/jwks")
                  .put("introspection_endpoint", issuer + "/introspect").put("userinfo_endpoint", issuer + "/userinfo")
                  .encode());
        }
        case "/introspect", "/userinfo" -> {
          remoteChecks.incrementAndGet();
          request.response().putHeader("Content-Type", "application/json").end(new JsonObject().put("active", true)
              .put("sub", "mallory").put("roles", new JsonArray().add("admin")).encode());
        }
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
    startGateway(new JsonObject().put(TokenSettings.OIDC_ISSUER, issuer));
  }

  /** A gateway whose keys come from {@code keySource}: the OIDC issuer, or a JWKS URL. */
  private void startGateway(JsonObject keySource) {
    int port = TestCluster.freePort();
    JsonObject config = cluster.settings()
        .put(GatewayVerticle.PORT, port)
        .put(GatewayVerticle.REQUIRED_SERVICES, "")
        .put(BridgeSettings.TCP_PORT, -1)
        .put(TokenSettings.JWKS_REFRESH_MS, 3_600_000) // only unknown kids refresh within this test
        .put(TokenSettings.JWKS_MIN_REFRESH_MS, MIN_REFRESH_MS)
        .mergeIn(keySource);
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
  void theTokenTableAgainstTheIssuersKeys() throws Exception {
    KeyPair pair = keyPair();
    Tokens key = publish(pair);
    startGateway();
    long now = Instant.now().getEpochSecond();
    JsonObject valid = claims();
    Eventually.await(Duration.ofSeconds(15), "routed", () -> call(key.sign(key.header(), valid)) == 200);
    assertEquals(200, call(key.sign(key.header(), valid.copy().put("exp", now - 10))),
        "expired 10 s ago is within the 30 s clock skew");
    assertEquals(200, call(key.sign(key.header(), valid.copy().put("aud", new JsonArray().add("other").add(Tokens.AUDIENCE)))),
        "one of several audiences");

    refused("expired", key.sign(key.header(), valid.copy().put("exp", now - 120)));
    refused("not yet valid", key.sign(key.header(), valid.copy().put("nbf", now + 120)));
    refused("wrong issuer", key.sign(key.header(), valid.copy().put("iss", "someone-else")));
    refused("no issuer", key.sign(key.header(), without(valid, "iss")));
    refused("wrong audience", key.sign(key.header(), valid.copy().put("aud", "another-api")));
    refused("no audience", key.sign(key.header(), without(valid, "aud")));
    refused("no subject", key.sign(key.header(), without(valid, "sub")));
    refused("wrong key, same kid", Tokens.forKey(keyPair().getPrivate(), key.kid()).sign(key.header(), valid));
    String[] parts = key.sign(key.header(), valid).split("\\.");
    refused("tampered payload", parts[0] + "." + Tokens.encode(valid.copy().put("sub", "admin")) + "." + parts[2]);
    refused("alg none", Tokens.encode(new JsonObject().put("alg", "none").put("typ", "JWT")) + "." + Tokens.encode(valid) + ".");
    refused("HS256 keyed with the public key", hmacWithPublicKey(pair, key.kid(), valid));
    refused("unknown kid", key.sign(key.header().put("kid", "no-such-key"), valid));
    refused("not a JWT", "abc.def");
    assertEquals(0, remoteChecks.get(), "no token is ever sent to the issuer's introspection or userinfo endpoint");
  }

  @Test
  void keysFromAJwksUrlAloneWithoutDiscovery() throws Exception {
    Tokens first = publish();
    startGateway(new JsonObject().put(TokenSettings.JWKS_URL, issuer + "/jwks").put(TokenSettings.ISSUER, issuer));
    Eventually.await(Duration.ofSeconds(15), "routed", () -> call(first.sign(first.header(), claims())) == 200);
    Tokens second = publish();
    Eventually.await(Duration.ofSeconds(20), "the rotated key accepted", () -> call(second.sign(second.header(), claims())) == 200);
    refused("wrong audience", second.sign(second.header(), claims().put("aud", "another-api")));
    refused("a known kid with another key", Tokens.forKey(keyPair().getPrivate(), second.kid()).sign(second.header(), claims()));
    assertEquals(0, discoveries.get(), "a JWKS URL needs no discovery");
    assertEquals(0, remoteChecks.get());
  }

  @Test
  void anIssuerDownAtStartIsFoundOnceItAnswers() throws Exception {
    Tokens key = publish();
    issuerDown = true;
    startGateway();
    String token = key.sign(key.header(), claims());
    refused("no keys yet", token);
    issuerDown = false;
    Eventually.await(Duration.ofSeconds(20), "discovered once the issuer answers", () -> call(token) == 200);
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
    return send(token).statusCode();
  }

  private HttpResponse<String> send(String token) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(gateway + "/api/desk/me"))
        .header("Authorization", Tokens.bearer(token)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private void refused(String what, String token) throws Exception {
    HttpResponse<String> answer = send(token);
    assertEquals(401, answer.statusCode(), what + ": " + answer.body());
    assertJsonError(answer, 401, "unauthorized");
    assertTrue(answer.headers().firstValue("WWW-Authenticate").orElse("").contains("error=\"invalid_token\""), what);
  }

  private static JsonObject without(JsonObject claims, String name) {
    JsonObject copy = claims.copy();
    copy.remove(name);
    return copy;
  }

  /** The confusion attack: the issuer's public key, which anyone may fetch, used as an HMAC secret. */
  private static String hmacWithPublicKey(KeyPair pair, String kid, JsonObject claims) throws Exception {
    String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(pair.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
    String input = Tokens.encode(new JsonObject().put("alg", "HS256").put("typ", "JWT").put("kid", kid)) + "." + Tokens.encode(claims);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(pem.getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
    return input + "." + Tokens.base64(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
  }

  /** A new key pair, added to the issuer's JWKS; tokens signed with it. */
  private Tokens publish() throws Exception {
    return publish(keyPair());
  }

  private Tokens publish(KeyPair pair) {
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
