package dev.mesh.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;

/**
 * A secret kept in a file readable by its owner only, made at first start when no setting gives it:
 * 32 random bytes, URL-safe base64. Never a default in code or docs.
 */
public final class SecretFile {

  private SecretFile() {
  }

  /**
   * The secret in {@code file}, made first when there is none. Two JVMs starting at once make one secret
   * between them: each writes its own file and links it into place, and the second link fails.
   */
  public static String loadOrCreate(Path file) {
    if (!Files.exists(file)) {
      create(file);
    }
    return read(file);
  }

  public static String read(Path file) {
    try {
      return valid(Files.readString(file, StandardCharsets.US_ASCII), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the secret " + file, e);
    }
  }

  /** The secret given by {@code source}, trimmed, if it is long enough to be one. */
  public static String valid(String secret, String source) {
    String trimmed = secret.trim();
    if (trimmed.length() < 32) {
      throw new IllegalStateException(source + " holds no secret (at least 32 characters)");
    }
    return trimmed;
  }

  private static void create(Path file) {
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    Path staging = file.resolveSibling(file.getFileName() + ".new-" + UUID.randomUUID());
    try {
      Files.createDirectories(file.getParent());
      Files.createFile(staging, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(staging, Base64.getUrlEncoder().withoutPadding().encodeToString(random) + "\n");
      Files.createLink(file, staging);
    } catch (FileAlreadyExistsException anotherJvmWasFirst) {
      // its secret is the one
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make the secret " + file, e);
    } finally {
      try {
        Files.deleteIfExists(staging);
      } catch (IOException ignored) {
        // a stray staging file holds a secret nobody uses
      }
    }
  }
}
