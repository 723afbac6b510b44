package dev.mesh.inventory;

import dev.mesh.common.MeshNode;

public final class InventoryMain {

  private InventoryMain() {
  }

  public static void main(String[] args) {
    MeshNode.run("inventory", InventoryVerticle::new);
  }
}
