package dev.mesh.gateway.bridge;

import dev.mesh.common.Endpoint;
import dev.mesh.common.MeshError;
import dev.mesh.common.MeshService;
import dev.mesh.common.Reply;
import io.vertx.core.Future;
import java.util.List;

/** A Java service of the mesh for foreign services to call: {@code mesh.echo}, actions echo and missing. */
final class EchoService extends MeshService {

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
