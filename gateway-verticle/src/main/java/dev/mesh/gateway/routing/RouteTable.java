package dev.mesh.gateway.routing;

import dev.mesh.common.Registry;
import dev.mesh.common.ServiceClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.servicediscovery.Record;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's view of the registry: which routes exist and how many instances serve each service.
 * Rebuilt from the records whenever they change. A service whose last instance went away keeps its
 * routes with zero instances, so its callers get a fast 503 instead of a 404 or a timeout.
 */
public final class RouteTable implements ServiceClient.Instances {

  /**
   * A matched request: the route, the path parameters taken from the URL, and for a foreign service
   * the base URL of the instance chosen (null for a service on the event bus).
   */
  public record Match(ServiceRoute route, Map<String, String> params, String endpoint) {
  }

  private volatile List<ServiceRoute> routes = List.of();
  private volatile Map<String, Integer> instances = Map.of();
  // foreign services (the bridge) are reached over HTTP: their records' location is {"endpoint": baseUrl}
  private volatile Map<String, List<String>> endpoints = Map.of();
  private final AtomicInteger nextEndpoint = new AtomicInteger();
  // a Java service's instances each consume an address of their own, named in their records
  private volatile Map<String, List<String>> instanceAddresses = Map.of();
  private final AtomicInteger nextInstance = new AtomicInteger();
  private final Map<String, List<ServiceRoute>> routesByService = new HashMap<>();
  // the events each service declares, kept while it is away, as its routes are
  private final Map<String, Set<String>> eventsByService = new HashMap<>();
  private volatile List<String> events = List.of();

  public RouteTable(Set<String> requiredServices) {
    Map<String, Integer> initial = new TreeMap<>();
    requiredServices.forEach(s -> initial.put(s, 0));
    instances = Map.copyOf(initial);
  }

  public synchronized void update(List<Record> records) {
    Map<String, Integer> counts = new TreeMap<>();
    instances.keySet().forEach(s -> counts.put(s, 0));
    Map<String, Set<ServiceRoute>> fresh = new HashMap<>();
    Map<String, List<String>> freshEndpoints = new HashMap<>();
    Map<String, List<String>> freshInstances = new HashMap<>();
    Map<String, Set<String>> freshEvents = new HashMap<>();
    for (Record record : records) {
      if (!Registry.TYPE.equals(record.getType())) {
        continue;
      }
      String service = record.getName();
      counts.merge(service, 1, Integer::sum);
      String address = record.getLocation() == null ? null : record.getLocation().getString("address");
      String endpoint = record.getLocation() == null ? null : record.getLocation().getString("endpoint");
      if (endpoint != null) {
        freshEndpoints.computeIfAbsent(service, s -> new ArrayList<>()).add(endpoint);
      }
      String instanceAddress = record.getLocation() == null ? null
          : record.getLocation().getString(Registry.INSTANCE_ADDRESS);
      if (instanceAddress != null) {
        freshInstances.computeIfAbsent(service, s -> new ArrayList<>()).add(instanceAddress);
      }
      JsonArray published = record.getMetadata() == null ? null : record.getMetadata().getJsonArray(Registry.EVENTS);
      if (published != null) {
        Set<String> serviceEvents = freshEvents.computeIfAbsent(service, s -> new LinkedHashSet<>());
        published.stream().filter(e -> e instanceof JsonObject json && json.getValue("address") instanceof String)
            .forEach(e -> serviceEvents.add(((JsonObject) e).getString("address")));
      }
      JsonArray declared = record.getMetadata() == null ? null : record.getMetadata().getJsonArray(Registry.ROUTES);
      Set<ServiceRoute> serviceRoutes = fresh.computeIfAbsent(service, s -> new LinkedHashSet<>());
      if (declared != null) {
        for (Object item : declared) {
          if (item instanceof JsonObject r && r.getString("path") != null && r.getString("method") != null) {
            JsonObject extras = r.copy();
            extras.remove("method");
            extras.remove("path");
            extras.remove("action");
            serviceRoutes.add(new ServiceRoute(service, address, r.getString("method").toUpperCase(),
                r.getString("path"), r.getString("action"), extras));
          }
        }
      }
    }
    fresh.forEach((service, serviceRoutes) -> routesByService.put(service, List.copyOf(serviceRoutes)));
    eventsByService.putAll(freshEvents);
    events = eventsByService.values().stream().flatMap(Set::stream).distinct().sorted().toList();
    List<ServiceRoute> all = new ArrayList<>();
    routesByService.values().forEach(all::addAll);
    all.sort(Comparator.comparingInt(ServiceRoute::specificity).reversed());
    routes = List.copyOf(all);
    instances = Map.copyOf(counts);
    endpoints = Map.copyOf(freshEndpoints);
    instanceAddresses = Map.copyOf(freshInstances);
  }

  /** Every event address a service declares in its record (of services seen since this gateway started). */
  public List<String> declaredEvents() {
    return events;
  }

  /** Every route of a service that has an instance now, most specific first: what the mesh offers. */
  public List<ServiceRoute> liveRoutes() {
    Map<String, Integer> counts = instances;
    return routes.stream().filter(r -> counts.getOrDefault(r.service(), 0) > 0).toList();
  }

  /** The base URL of one instance of a foreign service, round-robin; null for a service on the event bus. */
  String endpoint(String service) {
    List<String> urls = endpoints.get(service);
    if (urls == null || urls.isEmpty()) {
      return null;
    }
    return urls.get(Math.floorMod(nextEndpoint.getAndIncrement(), urls.size()));
  }

  /**
   * The event-bus address of one instance of a Java service, round-robin over the instances the registry
   * lists as serving; null when none names one (then the service's shared address is the way).
   */
  @Override
  public String instanceAddress(String service) {
    List<String> addresses = instanceAddresses.get(service);
    if (addresses == null || addresses.isEmpty()) {
      return null;
    }
    return addresses.get(Math.floorMod(nextInstance.getAndIncrement(), addresses.size()));
  }

  public Match match(String method, String path) {
    String[] segments = ServiceRoute.split(path);
    for (ServiceRoute route : routes) {
      Map<String, String> params = route.match(method, segments);
      if (params != null) {
        return new Match(route, params, endpoint(route.service()));
      }
    }
    return null;
  }

  /** The service a path belongs to by its prefix {@code /api/<service>/...}, if it is a known one. */
  public String serviceOfPath(String path) {
    String[] segments = ServiceRoute.split(path);
    if (segments.length >= 2 && segments[0].equals("api") && instances.containsKey(segments[1])) {
      return segments[1];
    }
    return null;
  }

  @Override
  public int instances(String service) {
    return instances.getOrDefault(service, 0);
  }

  /** Every known service, with its instance count (0 for a required or formerly seen service now gone). */
  public Map<String, Integer> services() {
    return instances;
  }
}
