package dev.mesh.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A login to a service's embedded PostgreSQL, and the one place that names the files beside its data
 * directory ({@code MESH_DATA_DIR/<service>/}) where the passwords made at first start are kept:
 * <ul>
 *   <li>{@code pg.password}: the {@code postgres} superuser's, for the server's own management only
 *       (roles, databases, pg_hba), never for a service's pool;</li>
 *   <li>{@code pg.<service>.password}: the service's role's; the role owns the service's database and
 *       nothing else.</li>
 * </ul>
 * Tests and tools that read a service's database directly take their login here.
 */
public record EmbeddedLogin(String user, String password, String database) {

  /** The superuser initdb made; its database {@code postgres} holds no service data. */
  public static final String SUPERUSER = "postgres";

  /** The service's login, as its pool connects: its role, its database, its password file. */
  public static EmbeddedLogin service(Path dataDir, String service) throws IOException {
    return new EmbeddedLogin(service, PasswordFile.read(servicePasswordFile(dataDir.resolve(service), service)),
        service);
  }

  /** The superuser's login, from its password file. */
  public static EmbeddedLogin superuser(Path dataDir, String service) throws IOException {
    return new EmbeddedLogin(SUPERUSER, PasswordFile.read(superuserPasswordFile(dataDir.resolve(service))), SUPERUSER);
  }

  /** The port the service's embedded server was last started on. */
  public static int port(Path dataDir, String service) throws IOException {
    return Integer.parseInt(Files.readString(dataDir.resolve(service).resolve("pg.port")).trim());
  }

  public String jdbcUrl(String host, int port) {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  static Path superuserPasswordFile(Path serviceDir) {
    return serviceDir.resolve("pg.password");
  }

  static Path servicePasswordFile(Path serviceDir, String service) {
    return serviceDir.resolve("pg." + service + ".password");
  }

  @Override
  public String toString() {
    return user + "@" + database; // never the password, should a login reach a log line
  }
}
