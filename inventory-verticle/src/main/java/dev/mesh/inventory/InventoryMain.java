package dev.mesh.inventory;

import dev.mesh.db.DatabaseService;

public final class InventoryMain {

  private InventoryMain() {
  }

  public static void main(String[] args) {
    DatabaseService.run("inventory", InventoryVerticle::new);
  }
}
