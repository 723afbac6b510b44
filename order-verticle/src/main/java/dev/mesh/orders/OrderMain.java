package dev.mesh.orders;

import dev.mesh.db.DatabaseService;

public final class OrderMain {

  private OrderMain() {
  }

  public static void main(String[] args) {
    DatabaseService.run("orders", OrderVerticle::new);
  }
}
