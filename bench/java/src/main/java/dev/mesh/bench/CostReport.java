package dev.mesh.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tables of {@code bench/run costs}: each variant's figures (median, min, max over the rounds) and
 * the on/off ratios of throughput, as a ratio of medians and as the range of the ratios within each
 * round (the two variants of a round ran back to back, so drift of the machine hits both alike).
 * Reads the raw figures ({@code scenario variant round metric value}, tab separated), writes a Markdown
 * fragment that bench/run places in bench/RESULTS.md.
 */
final class CostReport {

  /** What a feature costs: throughput with it on over throughput with it off, in one scenario. */
  record Comparison(String scenario, String on, String off, String label, Double atLeast) {
  }

  static final List<Comparison> COMPARISONS = List.of(
      new Comparison("security-proxy", "auth+limits", "neither", "auth and rate limits on / both off", null),
      new Comparison("security-proxy", "auth", "neither", "auth alone / both off", null),
      new Comparison("security-proxy", "limits", "neither", "rate limits alone / both off", null),
      new Comparison("security-read", "limits", "no-limits", "rate limits on / off", null),
      new Comparison("observability-proxy", "metrics+export", "off", "metrics on and tracing exporting / both off", null),
      new Comparison("observability-proxy", "metrics", "off", "defaults: metrics on, tracing on but not exporting / both off", null),
      new Comparison("observability-proxy", "metrics-only", "off", "metrics on, tracing off / both off", 0.9),
      new Comparison("observability-read", "metrics+export", "off", "metrics on and tracing exporting / both off", null),
      new Comparison("observability-read", "metrics", "off", "defaults: metrics on, tracing on but not exporting / both off", null),
      new Comparison("observability-read", "metrics-only", "off", "metrics on, tracing off / both off", 0.9),
      new Comparison("transport-proxy", "native", "nio", "epoll transport / NIO", null),
      new Comparison("transport-read", "native", "nio", "epoll transport / NIO", null),
      new Comparison("metrics-proxy", "on", "off", "metrics on / off (tracing off in both)", 0.9),
      new Comparison("metrics-proxy", "no-vertx-http", "off",
          "metrics on without Vert.x's HTTP meters / off (tracing off in both)", null),
      new Comparison("metrics-read", "on", "off", "metrics on / off (tracing off in both)", 0.9),
      new Comparison("metrics-read", "no-vertx-http", "off",
          "metrics on without Vert.x's HTTP meters / off (tracing off in both)", null),
      new Comparison("exporting-proxy", "on", "off", "metrics on and tracing exporting / both off", null),
      new Comparison("exporting-read", "on", "off", "metrics on and tracing exporting / both off", null),
      new Comparison("accesslog-proxy", "on", "off", "access log on / off", null),
      new Comparison("accesslog-read", "on", "off", "access log on / off", null),
      new Comparison("tokens-proxy", "cached", "verified", "verified tokens kept / every token checked", null),
      new Comparison("tokens-read", "cached", "verified", "verified tokens kept / every token checked", null));

  private CostReport() {
  }

  static void run(Args args) {
    try {
      Map<String, Map<String, Double>> figures = read(Path.of(args.required("results")));
      StringBuilder md = new StringBuilder();
      comparisons(md, figures);
      variants(md, figures);
      Files.writeString(Path.of(args.required("out")), md.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Figures keyed by {@code scenario|variant|metric}, then by round. */
  private static Map<String, Map<String, Double>> read(Path results) throws IOException {
    Map<String, Map<String, Double>> figures = new LinkedHashMap<>();
    for (String line : Files.readAllLines(results)) {
      String[] f = line.split("\t");
      if (f.length == 5) {
        figures.computeIfAbsent(f[0] + "|" + f[1] + "|" + f[3], k -> new TreeMap<>()).put(f[2], Double.parseDouble(f[4]));
      }
    }
    return figures;
  }

  private static void comparisons(StringBuilder md, Map<String, Map<String, Double>> figures) {
    md.append("| scenario | on / off | on, req/s | off, req/s | ratio of medians | ratio within each round |  |\n")
        .append("| --- | --- | ---: | ---: | ---: | --- | --- |\n");
    for (Comparison c : COMPARISONS) {
      Map<String, Double> on = figures.get(c.scenario() + "|" + c.on() + "|rps");
      Map<String, Double> off = figures.get(c.scenario() + "|" + c.off() + "|rps");
      if (on == null || off == null) {
        continue;
      }
      double ratio = median(on.values()) / median(off.values());
      List<String> rounds = new ArrayList<>();
      on.forEach((round, value) -> {
        Double base = off.get(round);
        if (base != null) {
          rounds.add(String.format(Locale.ROOT, "%.3f", value / base));
        }
      });
      String verdict = c.atLeast() == null ? ""
          : ratio >= c.atLeast() ? "under 10 % (goal met)" : "**10 % or more**";
      md.append("| ").append(c.scenario()).append(" | ").append(c.label()).append(" | ")
          .append(format(median(on.values()))).append(" | ").append(format(median(off.values()))).append(" | ")
          .append(String.format(Locale.ROOT, "%.3f", ratio)).append(" | ").append(String.join(", ", rounds))
          .append(" | ").append(verdict).append(" |\n");
    }
    md.append('\n');
  }

  private static void variants(StringBuilder md, Map<String, Map<String, Double>> figures) {
    md.append("| scenario | variant | metric | median | min | max | n |\n| --- | --- | --- | ---: | ---: | ---: | ---: |\n");
    figures.forEach((key, byRound) -> {
      String[] k = key.split("\\|");
      md.append("| ").append(k[0]).append(" | ").append(k[1]).append(" | ").append(k[2]).append(" | ")
          .append(format(median(byRound.values()))).append(" | ").append(format(Collections.min(byRound.values())))
          .append(" | ").append(format(Collections.max(byRound.values()))).append(" | ").append(byRound.size())
          .append(" |\n");
    });
    md.append('\n');
  }

  private static double median(java.util.Collection<Double> values) {
    return Report.median(new ArrayList<>(values));
  }

  private static String format(double value) {
    if (Math.abs(value) >= 100) {
      return String.format(Locale.ROOT, "%,.0f", value);
    }
    return String.format(Locale.ROOT, Math.abs(value) >= 10 ? "%.1f" : "%.3f", value);
  }
}
