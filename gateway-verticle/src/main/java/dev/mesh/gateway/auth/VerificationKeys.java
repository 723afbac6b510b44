package dev.mesh.gateway.auth;

import io.vertx.core.Future;
import io.vertx.ext.auth.authentication.AuthenticationProvider;

/** Where the token verifier's keys come from: the mesh's own key pair, or an issuer's JWKS. */
interface VerificationKeys {

  /** Verifies tokens with the keys as they are now. */
  AuthenticationProvider current();

  /** A token names a key the current keys lack: the provider after a (debounced) refresh. */
  Future<AuthenticationProvider> afterMissingKey();

  default void close() {
  }
}
