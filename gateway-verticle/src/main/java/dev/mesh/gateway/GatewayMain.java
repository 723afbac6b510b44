package dev.mesh.gateway;

import dev.mesh.common.MeshNode;

public final class GatewayMain {

  private GatewayMain() {
  }

  public static void main(String[] args) {
    MeshNode.run("gateway", GatewayVerticle::new);
  }
}
