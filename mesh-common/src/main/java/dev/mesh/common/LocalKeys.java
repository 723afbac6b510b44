package dev.mesh.common;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

/**
 * The mesh's own token signing key (RS256) for local use: made on first start under the data
 * directory ({@code MESH_DATA_DIR/gateway/keys}, never in the repository), then read on every start, by
 * every gateway sharing that directory, by {@code ./mesh token} and by the tests' token helper. The key id is derived from the
 * public key, so tokens name the key that signed them.
 */
public record LocalKeys(String privatePem, String publicPem, String kid, RSAPrivateCrtKey privateKey) {

  public static final String PRIVATE_FILE = "signing-key.pem";

  /** Where the gateway keeps it by default: {@code <MESH_DATA_DIR>/gateway/keys}. */
  public static Path defaultDir(String dataDir) {
    return Path.of(dataDir, "gateway", "keys").toAbsolutePath();
  }

  /** Reads the key in {@code dir}, making it first when there is none. Safe when two gateways start at once. */
  public static LocalKeys loadOrCreate(Path dir) throws IOException, GeneralSecurityException {
    if (!Files.exists(dir.resolve(PRIVATE_FILE))) {
      create(dir);
    }
    return load(dir);
  }

  public static LocalKeys load(Path dir) throws IOException, GeneralSecurityException {
    String privatePem = Files.readString(dir.resolve(PRIVATE_FILE), StandardCharsets.US_ASCII);
    byte[] der = Base64.getMimeDecoder().decode(privatePem.replaceAll("-----[A-Z ]+-----", "").trim());
    KeyFactory rsa = KeyFactory.getInstance("RSA");
    RSAPrivateCrtKey key = (RSAPrivateCrtKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(der));
    byte[] publicDer = rsa.generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent())).getEncoded();
    String kid = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(publicDer), 0, 8);
    return new LocalKeys(privatePem, pem("PUBLIC KEY", publicDer), kid, key);
  }

  /** Written into a fresh directory that is then renamed into place: readers never see half a key. */
  private static void create(Path dir) throws IOException, GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair pair = generator.generateKeyPair();
    Files.createDirectories(dir.getParent());
    Path staging = dir.resolveSibling(dir.getFileName() + ".new-" + UUID.randomUUID());
    Files.createDirectory(staging, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path file = staging.resolve(PRIVATE_FILE);
    Files.writeString(file, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    try {
      Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException raced) {
      if (!Files.exists(dir.resolve(PRIVATE_FILE))) {
        throw raced;
      }
      // another gateway made it first: keep theirs
      Files.delete(file);
      Files.delete(staging);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der) + "\n-----END " + type + "-----\n";
  }
}
