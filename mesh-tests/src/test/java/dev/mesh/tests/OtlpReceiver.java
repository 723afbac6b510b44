package dev.mesh.tests;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An OTLP/HTTP trace receiver of the test's own on 127.0.0.1: keeps every span the JVMs export to
 * {@code /v1/traces} (protobuf), with the {@code service.name} of the process that sent it.
 */
final class OtlpReceiver implements AutoCloseable {

  /** One exported span: ids in hex (parent empty for a root), its string attributes and the trace ids it links to. */
  record Span(String service, String traceId, String spanId, String parentSpanId, String name, String kind,
      Map<String, String> attributes, List<String> linkedTraces) {

    boolean isRoot() {
      return parentSpanId.isEmpty();
    }

    @Override
    public String toString() {
      return service + " " + kind.replace("SPAN_KIND_", "") + " '" + name + "'";
    }
  }

  private final HttpServer server;
  private final List<Span> spans = new CopyOnWriteArrayList<>();

  OtlpReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v1/traces", exchange -> {
      try (InputStream body = exchange.getRequestBody()) {
        ExportTraceServiceRequest.parseFrom(body).getResourceSpansList().forEach(this::keep);
        exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
        exchange.sendResponseHeaders(200, -1);
      } catch (IOException | RuntimeException e) {
        exchange.sendResponseHeaders(400, -1);
      } finally {
        exchange.close();
      }
    });
    server.start();
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  List<Span> trace(String traceId) {
    return spans.stream().filter(s -> s.traceId().equals(traceId)).toList();
  }

  /** Every span received so far. */
  List<Span> all() {
    return List.copyOf(spans);
  }

  private void keep(ResourceSpans resourceSpans) {
    String service = service(resourceSpans.getResource());
    HexFormat hex = HexFormat.of();
    for (ScopeSpans scope : resourceSpans.getScopeSpansList()) {
      for (io.opentelemetry.proto.trace.v1.Span span : scope.getSpansList()) {
        Map<String, String> attributes = new HashMap<>();
        span.getAttributesList().forEach(a -> attributes.put(a.getKey(), a.getValue().hasStringValue()
            ? a.getValue().getStringValue() : a.getValue().toString().strip()));
        List<String> links = span.getLinksList().stream().map(l -> hex.formatHex(l.getTraceId().toByteArray())).toList();
        spans.add(new Span(service, hex.formatHex(span.getTraceId().toByteArray()),
            hex.formatHex(span.getSpanId().toByteArray()), hex.formatHex(span.getParentSpanId().toByteArray()),
            span.getName(), span.getKind().name(), attributes, links));
      }
    }
  }

  private static String service(Resource resource) {
    return resource.getAttributesList().stream().filter(a -> a.getKey().equals("service.name"))
        .map(a -> a.getValue().getStringValue()).findFirst().orElse("?");
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
