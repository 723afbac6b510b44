package dev.mesh.orders;

import dev.mesh.common.MeshConfig;
import dev.mesh.common.MeshNode;
import dev.mesh.db.Database;

public final class OrderMain {

  private OrderMain() {
  }

  public static void main(String[] args) {
    // the database starts while the node joins the cluster
    Database.startEarly(MeshConfig.fromEnvironment(), "orders");
    MeshNode.run("orders", OrderVerticle::new);
  }
}
