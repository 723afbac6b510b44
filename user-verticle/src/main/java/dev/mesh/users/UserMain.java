package dev.mesh.users;

import dev.mesh.common.MeshConfig;
import dev.mesh.common.MeshNode;
import dev.mesh.db.Database;

public final class UserMain {

  private UserMain() {
  }

  public static void main(String[] args) {
    // the database starts while the node joins the cluster
    Database.startEarly(MeshConfig.fromEnvironment(), "users");
    MeshNode.run("users", UserVerticle::new);
  }
}
