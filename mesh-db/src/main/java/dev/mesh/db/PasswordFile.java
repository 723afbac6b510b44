package dev.mesh.db;

import dev.mesh.common.SecretFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A password kept in a file only its owner can read. A new one is made the way the mesh makes every
 * secret ({@link SecretFile}); one given by setting is written here for initdb. The file appears whole
 * (written aside and moved in), so a crash while writing never leaves an empty password behind.
 */
final class PasswordFile {

  private PasswordFile() {
  }

  /** The password in {@code file}, or a new random one made there (mode 0600). */
  static String storedOrMade(Path file) throws IOException {
    return Files.exists(file) ? read(file) : SecretFile.loadOrCreate(file);
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
