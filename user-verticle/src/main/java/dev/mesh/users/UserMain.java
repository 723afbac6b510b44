package dev.mesh.users;

import dev.mesh.common.MeshNode;

public final class UserMain {

  private UserMain() {
  }

  public static void main(String[] args) {
    MeshNode.run("users", UserVerticle::new);
  }
}
