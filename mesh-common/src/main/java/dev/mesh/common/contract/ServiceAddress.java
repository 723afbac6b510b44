package dev.mesh.common.contract;

/** The one place a service's event-bus address is made from its name: {@code mesh.<name>}. */
public final class ServiceAddress {

  public static final String PREFIX = "mesh.";

  private ServiceAddress() {
  }

  public static String of(String service) {
    return PREFIX + service;
  }

  /**
   * The service an address belongs to: {@code users} for {@code mesh.users} and for an instance's own
   * {@code mesh.users.instance.<id>}; an address outside {@code mesh.} is its own.
   */
  public static String serviceOf(String address) {
    if (!address.startsWith(PREFIX)) {
      return address;
    }
    int end = address.indexOf('.', PREFIX.length());
    return address.substring(PREFIX.length(), end < 0 ? address.length() : end);
  }
}
