package dev.mesh.common.identity;

import dev.mesh.common.MeshConfig;
import dev.mesh.common.SecretFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The secret every JVM of the mesh signs and checks the identity on its messages with (HMAC, HS256).
 * Given by setting ({@code MESH_IDENTITY_KEY_FILE}, e.g. a mounted Kubernetes Secret, or the value itself
 * as {@code MESH_IDENTITY_KEY}), or made at first
 * start under the data directory, where every JVM of one machine finds it. Rotation without downtime:
 * give the new key as {@code MESH_IDENTITY_KEY_FILE} and the old one as
 * {@code MESH_IDENTITY_PREVIOUS_KEY_FILE}; messages signed with either are accepted until the old one
 * is taken away, and every JVM signs with the new one once restarted.
 */
public record IdentityKeys(Key current, List<Key> accepted) {

  public static final String KEY = "MESH_IDENTITY_KEY";
  public static final String KEY_FILE = "MESH_IDENTITY_KEY_FILE";
  public static final String PREVIOUS_KEY = "MESH_IDENTITY_PREVIOUS_KEY";
  public static final String PREVIOUS_KEY_FILE = "MESH_IDENTITY_PREVIOUS_KEY_FILE";

  /** One secret and the id tokens name it by. */
  public record Key(String id, String secret) {
  }

  /**
   * The keys of this JVM. Each may also be given as its value ({@code MESH_IDENTITY_KEY},
   * {@code MESH_IDENTITY_PREVIOUS_KEY}), as the images' entrypoint passes a {@code <NAME>_FILE} on.
   */
  public static IdentityKeys from(MeshConfig settings) {
    String given = settings.get(KEY, "");
    Key current = given.isBlank() ? loadOrCreate(keyFile(settings)) : key(SecretFile.valid(given, KEY));
    List<Key> accepted = new ArrayList<>(List.of(current));
    String previous = settings.get(PREVIOUS_KEY, "");
    String previousFile = settings.get(PREVIOUS_KEY_FILE, "");
    if (!previous.isBlank()) {
      accepted.add(key(SecretFile.valid(previous, PREVIOUS_KEY)));
    } else if (!previousFile.isBlank()) {
      accepted.add(read(Path.of(previousFile)));
    }
    return new IdentityKeys(current, List.copyOf(accepted));
  }

  /** Where this JVM's key is: the setting, else {@code <MESH_DATA_DIR>/mesh/identity.key}. */
  public static Path keyFile(MeshConfig settings) {
    String given = settings.get(KEY_FILE, "");
    return given.isBlank() ? settings.dataDir().resolve("mesh").resolve("identity.key")
        : Path.of(given);
  }

  static Key loadOrCreate(Path file) {
    return key(SecretFile.loadOrCreate(file));
  }

  static Key read(Path file) {
    return key(SecretFile.read(file));
  }

  // the id tokens name a key by: a digest of the secret, so no two keys share one
  private static Key key(String secret) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII));
      return new Key(HexFormat.of().formatHex(digest, 0, 8), secret);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
