package dev.mesh.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mesh.common.MeshConfig;
import dev.mesh.common.testing.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Collections;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MESH_PG_HOST: the embedded server listens on another address than loopback (for instances in other
 * network namespaces or hosts), admits the allowed network with the password made at first start, and
 * refuses a wrong password.
 */
class RemoteAccessTest {

  @TempDir
  Path dataDir;
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    TestCluster.await(vertx.close());
  }

  @Test
  void anInstanceConnectsThroughANonLoopbackAddressWithThePasswordAndAWrongOneIsRefused() throws Exception {
    Optional<String> address = nonLoopbackAddress();
    assumeTrue(address.isPresent(), "this machine has a non-loopback IPv4 address");
    JsonObject settings = new JsonObject().put(Database.DATA_DIR, dataDir.toString()).put(Database.POOL_SIZE, 2)
        .put(Database.HOST, address.get()).put(Database.ALLOW, address.get() + "/32");
    Database db = TestCluster.await(Database.open(vertx, MeshConfig.of(settings), "remote"));
    try {
      // the pool connects to the non-loopback address, where only the password admits it
      assertEquals(1, TestCluster.await(db.pool().query("SELECT 1").execute()).iterator().next().getInteger(0));
      Path passwordFile = dataDir.resolve("remote").resolve("pg.password");
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile)));
      int port = Integer.parseInt(Files.readAllLines(dataDir.resolve("remote").resolve("pg").resolve("postmaster.pid"))
          .get(3).trim());
      String url = "jdbc:postgresql://" + address.get() + ":" + port + "/postgres";
      SQLException refused = assertThrows(SQLException.class,
          () -> DriverManager.getConnection(url, "postgres", "wrong").close());
      assertEquals("28P01", refused.getSQLState(), "password authentication failed");
      DriverManager.getConnection(url, "postgres", Files.readString(passwordFile).trim()).close();
    } finally {
      TestCluster.await(db.close());
    }
  }

  private static Optional<String> nonLoopbackAddress() throws Exception {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (nic.isUp() && !nic.isLoopback()) {
        for (InetAddress address : Collections.list(nic.getInetAddresses())) {
          if (address instanceof Inet4Address) {
            return Optional.of(address.getHostAddress());
          }
        }
      }
    }
    return Optional.empty();
  }
}
