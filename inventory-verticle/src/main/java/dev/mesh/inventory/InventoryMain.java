package dev.mesh.inventory;

import dev.mesh.common.MeshConfig;
import dev.mesh.common.MeshNode;
import dev.mesh.db.Database;

public final class InventoryMain {

  private InventoryMain() {
  }

  public static void main(String[] args) {
    // the database starts while the node joins the cluster
    Database.startEarly(MeshConfig.fromEnvironment(), "inventory");
    MeshNode.run("inventory", InventoryVerticle::new);
  }
}
