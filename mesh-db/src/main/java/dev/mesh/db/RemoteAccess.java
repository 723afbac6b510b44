package dev.mesh.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connections to an embedded server from beyond loopback (other hosts, network namespaces): admitted
 * only from the allowed networks and only with the postgres role's password. The password is the
 * {@code MESH_PG_PASSWORD} setting, or one made at the first start and kept beside the data directory
 * ({@code pg.password}, readable by its owner only), where instances sharing the file system find it.
 * Loopback stays trusted, as initdb set it up.
 */
final class RemoteAccess {

  private static final Logger log = LoggerFactory.getLogger(RemoteAccess.class);

  private RemoteAccess() {
  }

  /** Admits {@code allow} (pg_hba address: CIDR, samenet, all) and returns the password; blocking. */
  static String admit(Path dir, int port, String allow, String configured) throws IOException {
    String password = configured != null ? configured : storedOrNew(dir.resolveSibling("pg.password"));
    String rule = "host all all " + allow + " scram-sha-256";
    Path hba = dir.resolve("pg_hba.conf");
    if (Files.readAllLines(hba).stream().noneMatch(line -> line.trim().equals(rule))) {
      Files.writeString(hba, "\n# admitted by the mesh (MESH_PG_HOST, MESH_PG_ALLOW)\n" + rule + "\n",
          java.nio.file.StandardOpenOption.APPEND);
      log.info("PostgreSQL on {} admits {} with a password", dir, allow);
    }
    try (Connection connection = DriverManager.getConnection(
            "jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "");
         Statement statement = connection.createStatement()) {
      statement.execute("SET password_encryption = 'scram-sha-256'");
      statement.execute("ALTER ROLE postgres PASSWORD '" + password.replace("'", "''") + "'");
      statement.execute("SELECT pg_reload_conf()");
    } catch (SQLException e) {
      throw new IOException("could not admit " + allow + " to the PostgreSQL on " + dir, e);
    }
    return password;
  }

  /** The password an instance that adopted the server connects with. */
  static String password(Path dir, String configured) throws IOException {
    Path file = dir.resolveSibling("pg.password");
    return configured != null ? configured : Files.exists(file) ? Files.readString(file).trim() : "postgres";
  }

  private static String storedOrNew(Path file) throws IOException {
    if (Files.exists(file)) {
      return Files.readString(file).trim();
    }
    byte[] secret = new byte[24];
    new SecureRandom().nextBytes(secret);
    String password = HexFormat.of().formatHex(secret);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, password);
    return password;
  }
}
