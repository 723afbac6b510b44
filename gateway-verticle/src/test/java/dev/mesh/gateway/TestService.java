package dev.mesh.gateway;

import dev.mesh.common.Endpoint;
import dev.mesh.common.MeshService;
import java.util.List;

/** A real mesh service with whatever endpoints a test gives it. */
class TestService extends MeshService {

  private final String name;
  private final List<Endpoint> endpoints;

  TestService(String name, List<Endpoint> endpoints) {
    this.name = name;
    this.endpoints = endpoints;
  }

  @Override
  protected String name() {
    return name;
  }

  @Override
  protected List<Endpoint> endpoints() {
    return endpoints;
  }
}
