package dev.mesh.common.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import dev.mesh.common.testing.Eventually;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every line written whole, once, in each thread's order, in batches, including what is still queued at
 * stop; and a line after a quiet spell wakes the sleeping writer.
 */
class BatchedConsoleAppenderTest {

  /** A started appender of bare lines into {@code written}, on a logger of a context of its own. */
  private static BatchedConsoleAppender started(ByteArrayOutputStream written) {
    LoggerContext context = new LoggerContext();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%msg%n");
    encoder.start();
    BatchedConsoleAppender appender = new BatchedConsoleAppender();
    appender.setContext(context);
    appender.setName("test");
    appender.setEncoder(encoder);
    appender.setOutput(written);
    appender.start();
    context.getLogger("mesh.access").addAppender(appender);
    return appender;
  }

  private static Logger logOf(BatchedConsoleAppender appender) {
    return ((LoggerContext) appender.getContext()).getLogger("mesh.access");
  }

  @Test
  void aLineAfterAQuietSpellIsWrittenWithoutWaitingForStop() throws Exception {
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    BatchedConsoleAppender appender = started(written);
    Logger log = logOf(appender);
    try {
      for (String line : List.of("first", "second")) {
        Thread.sleep(300); // the writer has nothing to write and sleeps until a line comes
        log.info(line);
        Eventually.await(Duration.ofSeconds(5), "'" + line + "' written",
            () -> written.toString(StandardCharsets.UTF_8).endsWith(line + "\n"));
      }
    } finally {
      appender.stop();
    }
  }

  @Test
  void linesFromSeveralThreadsArriveWholeAndInOrderAndNoneIsLostAtStop() throws Exception {
    List<Integer> writes = new ArrayList<>();
    ByteArrayOutputStream written = new ByteArrayOutputStream() {
      @Override
      public synchronized void write(byte[] bytes, int offset, int length) {
        writes.add(bytes[offset + length - 1] == '\n' ? length : -length); // negative: not at a line's end
        super.write(bytes, offset, length);
      }
    };
    BatchedConsoleAppender appender = started(written);
    Logger log = logOf(appender);

    int perThread = 20_000;
    List<Thread> threads = new ArrayList<>();
    for (String name : List.of("a", "b")) {
      Thread thread = new Thread(() -> {
        for (int i = 0; i < perThread; i++) {
          log.info("{} {} a line long enough to need more than one batch of the writer", name, i);
        }
      });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    appender.stop();

    String[] lines = written.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals(2 * perThread, lines.length);
    assertTrue(writes.stream().allMatch(length -> length > 0 && length <= BatchedConsoleAppender.WRITE_BYTES),
        "each write is whole lines, at most what a pipe takes whole (4 KiB)");
    assertTrue(writes.size() < lines.length / 10, "lines go out in batches: " + writes.size() + " writes");
    int[] next = new int[2];
    for (String line : lines) {
      String[] words = line.split(" ");
      int thread = words[0].equals("a") ? 0 : 1;
      assertEquals(next[thread]++, Integer.parseInt(words[1]), "in order: " + line);
      assertTrue(line.endsWith("of the writer"), "whole: " + line);
    }
  }
}
