package dev.mesh.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes bench/RESULTS.md from the raw figures of one run ({@code scenario peer rep metric value}, tab
 * separated): every figure as median, min and max over the repetitions, the ratios against their
 * floors, and the ratios of the previous RESULTS.md beside them so a regression shows.
 */
final class Report {

  /**
   * A ratio of two medians (or one absolute figure when {@code basePeer} is null) and its floor, or its
   * ceiling when {@code atMost} (seconds, megabytes: less is better).
   */
  record Ratio(String id, String label, String scenario, String peer, String basePeer, String metric, double floor,
      boolean atMost) {

    Ratio(String id, String label, String scenario, String peer, String basePeer, String metric, double floor) {
      this(id, label, scenario, peer, basePeer, metric, floor, false);
    }

    boolean met(double value) {
      return atMost ? value <= floor : value >= floor;
    }
  }

  static final List<Ratio> RATIOS = List.of(
      new Ratio("proxy.gateway/direct", "proxy throughput: gateway / direct", "proxy", "gateway", "direct", "rps", 0.5),
      new Ratio("proxy.gateway/nginx", "proxy throughput: gateway / nginx", "proxy", "gateway", "nginx", "rps", 0.8),
      new Ratio("proxy.gateway/express", "proxy throughput: gateway / Express (the seeds' gateway)", "proxy", "gateway",
          "express", "rps", 12),
      new Ratio("read.mesh/single", "read path: mesh / single-process server", "read", "mesh", "single-process", "rps", 0.6),
      new Ratio("write.mesh/pgbench", "write path: mesh orders/s / pgbench tx/s", "write", "mesh", "pgbench", "rps", 0.45),
      new Ratio("eventbus.msgs", "event bus request-reply, messages/s", "eventbus", "request-reply", null, "msgs_per_s",
          120000),
      new Ratio("up.existing", "./mesh up to ready on existing data, seconds (at most)", "cost", "./mesh up", null,
          "seconds to ready, existing data", 10, true),
      new Ratio("restart.routed", "a killed service restarted and routed again, seconds (at most)", "cost",
          "user-verticle", null, "seconds from kill -9 to routed again", 6, true),
      idleRss("gateway-verticle"), idleRss("user-verticle"), idleRss("inventory-verticle"), idleRss("order-verticle"));

  private static Ratio idleRss(String service) {
    return new Ratio("rss." + service, "idle RSS of " + service + ", MB (at most)", "cost", service, null,
        "rss_mb idle", 160, true);
  }

  private static final Pattern STORED_RATIO = Pattern.compile("<!-- ratio (\\S+) (\\S+) -->");

  private Report() {
  }

  static void run(Args args) {
    try {
      Path out = Path.of(args.required("out"));
      Map<String, String> previous = previousRatios(Path.of(args.get("previous", args.required("out"))));
      Map<String, List<Double>> figures = read(Path.of(args.required("results")));
      StringBuilder md = new StringBuilder();
      md.append(Files.readString(Path.of(args.required("header")))).append('\n');
      ratios(md, figures, previous);
      table(md, figures);
      md.append(Files.readString(Path.of(args.required("footer"))));
      Files.writeString(out, md.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, String> previousRatios(Path previous) throws IOException {
    Map<String, String> stored = new HashMap<>();
    if (Files.exists(previous)) {
      Matcher m = STORED_RATIO.matcher(Files.readString(previous));
      while (m.find()) {
        stored.put(m.group(1), m.group(2));
      }
    }
    return stored;
  }

  /** Figures keyed by {@code scenario|peer|metric}, in the order the run produced them. */
  private static Map<String, List<Double>> read(Path results) throws IOException {
    Map<String, List<Double>> figures = new LinkedHashMap<>();
    for (String line : Files.readAllLines(results)) {
      String[] f = line.split("\t");
      if (f.length != 5) {
        continue;
      }
      figures.computeIfAbsent(f[0] + "|" + f[1] + "|" + f[3], k -> new ArrayList<>()).add(Double.parseDouble(f[4]));
    }
    return figures;
  }

  private static void ratios(StringBuilder md, Map<String, List<Double>> figures, Map<String, String> previous) {
    md.append("## Ratios against the floors\n\n");
    md.append("Ratios of medians from this run. The floors are where the mesh starts; the goal is higher "
        + "(for seconds and megabytes, marked \"at most\", the floor is a ceiling and the goal is lower).\n\n");
    md.append("| measure | floor | this run | previous run | |\n| --- | ---: | ---: | ---: | --- |\n");
    StringBuilder stored = new StringBuilder();
    for (Ratio ratio : RATIOS) {
      Double value = value(ratio, figures);
      boolean whole = ratio.basePeer() == null && !ratio.atMost();
      String shown = value == null ? "not measured" : format(value, whole);
      String verdict = value == null ? "" : ratio.met(value) ? "meets the floor"
          : ratio.atMost() ? "**above the ceiling**" : "**below the floor**";
      md.append("| ").append(ratio.label()).append(" | ").append(format(ratio.floor(), whole))
          .append(" | ").append(shown).append(" | ").append(previous.getOrDefault(ratio.id(), "none"))
          .append(" | ").append(verdict).append(" |\n");
      if (value != null) {
        stored.append("<!-- ratio ").append(ratio.id()).append(' ').append(shown.replace(",", "")).append(" -->\n");
      }
    }
    md.append('\n').append(stored).append('\n');
  }

  private static Double value(Ratio ratio, Map<String, List<Double>> figures) {
    List<Double> peer = figures.get(ratio.scenario() + "|" + ratio.peer() + "|" + ratio.metric());
    if (peer == null) {
      return null;
    }
    if (ratio.basePeer() == null) {
      return median(peer);
    }
    List<Double> base = figures.get(ratio.scenario() + "|" + ratio.basePeer() + "|" + ratio.metric());
    return base == null || median(base) == 0 ? null : median(peer) / median(base);
  }

  private static void table(StringBuilder md, Map<String, List<Double>> figures) {
    md.append("## Every figure\n\n");
    md.append("Median, min and max over the repetitions (n). rps: requests (or transactions) per second; "
        + "p50/p99 in milliseconds; rss in MB; cpu in CPU-microseconds per request; seconds for start-up.\n\n");
    md.append("| scenario | peer | metric | median | min | max | n |\n| --- | --- | --- | ---: | ---: | ---: | ---: |\n");
    figures.forEach((key, values) -> {
      String[] k = key.split("\\|");
      md.append("| ").append(k[0]).append(" | ").append(k[1]).append(" | ").append(k[2]).append(" | ")
          .append(format(median(values), false)).append(" | ").append(format(Collections.min(values), false))
          .append(" | ").append(format(Collections.max(values), false)).append(" | ").append(values.size())
          .append(" |\n");
    });
    md.append('\n');
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static String format(double value, boolean whole) {
    if (whole || Math.abs(value) >= 100) {
      return String.format(Locale.ROOT, "%,.0f", value);
    }
    return String.format(Locale.ROOT, Math.abs(value) >= 10 ? "%.1f" : "%.3f", value);
  }
}
