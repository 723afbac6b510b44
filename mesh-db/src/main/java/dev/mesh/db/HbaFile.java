package dev.mesh.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded server's {@code pg_hba.conf}: who may connect, and how they prove it. A server made by
 * this version asks every connection for a password from the start (initdb's {@code --auth}); one
 * made by an older version trusted loopback and the local socket, and is brought here to the same
 * rules. Edits take effect on the server's next reload ({@code pg_reload_conf()}).
 */
final class HbaFile {

  static final String METHOD = "scram-sha-256";
  private static final Logger log = LoggerFactory.getLogger(HbaFile.class);
  // "trust" as the method of a rule: a whole word before any comment (no database or role is so named)
  private static final Pattern TRUST = Pattern.compile("(?<=\\s)trust(?=\\s|$)");

  private final Path file;

  HbaFile(Path dataDir) {
    this.file = dataDir.resolve("pg_hba.conf");
  }

  /** True when some rule lets a connection in without a password. */
  boolean trustsAnyone() throws IOException {
    return Files.readAllLines(file).stream().anyMatch(line -> TRUST.matcher(rule(line)).find());
  }

  /** Every rule that trusted asks for a password instead; true when the file changed. */
  boolean requirePasswords() throws IOException {
    List<String> lines = new ArrayList<>();
    boolean changed = false;
    for (String line : Files.readAllLines(file)) {
      String rule = rule(line);
      String asked = TRUST.matcher(rule).replaceAll(METHOD);
      changed |= !asked.equals(rule);
      lines.add(asked + line.substring(rule.length()));
    }
    if (changed) {
      replace(String.join("\n", lines) + "\n");
      log.info("PostgreSQL on {}: every connection now needs a password (it trusted loopback)", file.getParent());
    }
    return changed;
  }

  /** Admits {@code allow} (a pg_hba address: CIDR, samenet, all) with a password; true when added. */
  boolean admit(String allow) throws IOException {
    String rule = "host all all " + allow + " " + METHOD;
    if (Files.readAllLines(file).stream().anyMatch(line -> line.trim().equals(rule))) {
      return false;
    }
    replace(Files.readString(file) + "\n# admitted by the mesh (MESH_PG_HOST, MESH_PG_ALLOW)\n" + rule + "\n");
    log.info("PostgreSQL on {} admits {} with a password", file.getParent(), allow);
    return true;
  }

  private static String rule(String line) {
    int comment = line.indexOf('#');
    return comment < 0 ? line : line.substring(0, comment);
  }

  // whole or not at all: a server reloading a half-written file would refuse everyone
  private void replace(String text) throws IOException {
    Path aside = file.resolveSibling("pg_hba.conf.new");
    Files.writeString(aside, text);
    Files.setPosixFilePermissions(aside, Files.getPosixFilePermissions(file));
    Files.move(aside, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
