package dev.mesh.gateway.bridge;

import dev.mesh.common.Caller;
import dev.mesh.common.Endpoint;
import dev.mesh.common.MeshError;
import dev.mesh.common.MeshService;
import dev.mesh.common.Reply;
import dev.mesh.common.contract.EventContract;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A Java service of the mesh for foreign services to call: {@code mesh.echo}, actions echo and missing
 * (open to any caller) and vault (an admin's); it declares two events, which the bridge's subscription
 * patterns learn from its record.
 */
final class EchoService extends MeshService {

  enum Event implements EventContract {
    SAID("events.echo.said"), FORGOT("events.echo.forgot");

    private final Spec spec;

    Event(String address) {
      this.spec = new Spec(address, true);
    }

    @Override
    public Spec spec() {
      return spec;
    }
  }

  // what the caller sent, without the caller the dispatcher added
  private static Future<Reply> echo(JsonObject input) {
    JsonObject echoed = input.copy().put("echoed", true);
    echoed.remove(Caller.FIELD);
    return Future.succeededFuture(Reply.created(echoed));
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
        Endpoint.action("echo", EchoService::echo).open(),
        Endpoint.action("missing", input -> Future.failedFuture(MeshError.notFound("nothing here"))).open(),
        // an operator's action: it answers with the caller the dispatcher verified
        Endpoint.action("vault", input -> Future.succeededFuture(Reply.ok(Caller.of(input).toJson())))
            .requireRoles(Caller.ADMIN));
  }
}
