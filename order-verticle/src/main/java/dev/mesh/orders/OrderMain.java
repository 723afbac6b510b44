package dev.mesh.orders;

import dev.mesh.common.MeshNode;

public final class OrderMain {

  private OrderMain() {
  }

  public static void main(String[] args) {
    MeshNode.run("orders", OrderVerticle::new);
  }
}
