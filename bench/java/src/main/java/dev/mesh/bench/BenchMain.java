package dev.mesh.bench;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Consumer;

/** One jar, several small programs; bench/run picks one by the first argument. */
public final class BenchMain {

  private static final Map<String, Consumer<Args>> PROGRAMS = Map.of(
      "constant", ConstantBackend::run,
      "users-direct", UsersDirect::run,
      "eb-service", ConstantService::run,
      "eb-pong", EventBusPong::run,
      "eb-ping", EventBusPing::run,
      "report", Report::run,
      "cost-report", CostReport::run);

  private BenchMain() {
  }

  public static void main(String[] argv) {
    Consumer<Args> program = argv.length == 0 ? null : PROGRAMS.get(argv[0]);
    if (program == null) {
      throw new IllegalArgumentException("usage: java -jar mesh-bench.jar " + PROGRAMS.keySet() + " key=value...");
    }
    program.accept(Args.parse(Arrays.copyOfRange(argv, 1, argv.length)));
  }
}
