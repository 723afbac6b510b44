package dev.mesh.gateway.auth;

import io.vertx.core.Future;
import io.vertx.ext.auth.jwt.JWTAuth;

/** Where the token verifier's keys come from: the mesh's own key pair, or an issuer's JWKS. */
interface VerificationKeys {

  /** The keys as they are now. */
  JWTAuth current();

  boolean knows(String kid);

  /** A token names a key id the current keys lack: the keys after a (debounced) refresh. */
  Future<JWTAuth> afterUnknownKid(String kid);

  default void close() {
  }
}
