package dev.mesh.common.contract;

/** The one place a service's event-bus address is made from its name: {@code mesh.<name>}. */
public final class ServiceAddress {

  public static final String PREFIX = "mesh.";

  private ServiceAddress() {
  }

  public static String of(String service) {
    return PREFIX + service;
  }
}
