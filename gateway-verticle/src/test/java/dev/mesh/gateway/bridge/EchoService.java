package dev.mesh.gateway.bridge;

import dev.mesh.common.Endpoint;
import dev.mesh.common.MeshError;
import dev.mesh.common.MeshService;
import dev.mesh.common.Reply;
import dev.mesh.common.contract.EventContract;
import io.vertx.core.Future;
import java.util.List;

/**
 * A Java service of the mesh for foreign services to call: {@code mesh.echo}, actions echo and missing;
 * it declares two events, which the bridge's subscription patterns learn from its record.
 */
final class EchoService extends MeshService {

  enum Event implements EventContract {
    SAID("events.echo.said"), FORGOT("events.echo.forgot");

    private final String address;

    Event(String address) {
      this.address = address;
    }

    @Override
    public String address() {
      return address;
    }

    @Override
    public boolean browserSafe() {
      return true;
    }
  }

  @Override
  protected List<Event> events() {
    return List.of(Event.values());
  }

  @Override
  protected String name() {
    return "echo";
  }

  @Override
  protected List<Endpoint> endpoints() {
    return List.of(
        Endpoint.action("echo", input -> Future.succeededFuture(Reply.created(input.copy().put("echoed", true)))),
        Endpoint.action("missing", input -> Future.failedFuture(MeshError.notFound("nothing here"))));
  }
}
