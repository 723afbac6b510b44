package dev.mesh.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A password made at first start and kept in a file only its owner can read. Callers hold
 * {@code pg.lock} while they make one, so two instances never make two; the file appears whole (it is
 * written aside and moved in), so a crash while writing never leaves an empty password behind.
 */
final class PasswordFile {

  private static final SecureRandom RANDOM = new SecureRandom();

  private PasswordFile() {
  }

  /** The password in {@code file}, or a new random one written there (mode 0600). */
  static String storedOrMade(Path file) throws IOException {
    if (Files.exists(file)) {
      return read(file);
    }
    byte[] secret = new byte[24];
    RANDOM.nextBytes(secret);
    String password = HexFormat.of().formatHex(secret);
    write(file, password);
    return password;
  }

  /** Writes {@code password} to a file readable by its owner only (initdb's --pwfile takes one). */
  static void write(Path file, String password) throws IOException {
    Path aside = file.resolveSibling(file.getFileName() + ".new");
    Files.deleteIfExists(aside);
    Files.createFile(aside, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(aside, password);
    Files.move(aside, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  static String read(Path file) throws IOException {
    String password = Files.readString(file).trim();
    if (password.isEmpty()) {
      throw new IOException(file + " is empty: delete it only with the data directory beside it");
    }
    return password;
  }
}
