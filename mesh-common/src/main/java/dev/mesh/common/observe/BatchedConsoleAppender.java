package dev.mesh.common.observe;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes log lines to standard output in batches, from a thread of its own: for the gateway's access log,
 * a line per request, which as a write of its own per line cost the event loop a system call per
 * request (bench/FINDINGS.md). The caller encodes its line (so it carries the caller's trace) and queues
 * it; only the first line into an empty queue wakes the writer, which lets lines gather for
 * {@value #WRITE_EVERY_MS} ms and writes them in runs of whole lines of at most {@value #WRITE_BYTES} bytes,
 * one system call for dozens of lines. With nothing to write (every JVM but the gateway) it sleeps.
 * Lines are never torn or dropped, and each thread's lines keep their order: a full queue makes the
 * caller wait for the writer. What is queued is written at stop and at exit (a kill -9 loses at most the
 * lines of the last {@value #WRITE_EVERY_MS} ms).
 */
public final class BatchedConsoleAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

  static final long WRITE_EVERY_MS = 20;
  private static final int QUEUE = 16_384;
  /** PIPE_BUF on Linux: a pipe (a test, a log shipper) takes a write of at most that size whole. */
  static final int WRITE_BYTES = 4096;

  private final Queue<byte[]> lines = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private Encoder<ILoggingEvent> encoder;
  private OutputStream out = new FileOutputStream(FileDescriptor.out);
  private Thread writer;

  public void setEncoder(Encoder<ILoggingEvent> encoder) {
    this.encoder = encoder;
  }

  /** Where the lines go instead of standard output (tests). */
  void setOutput(OutputStream out) {
    this.out = out;
  }

  @Override
  public void start() {
    if (encoder == null) {
      addError("no encoder for appender " + name);
      return;
    }
    writer = new Thread(this::writeUntilStopped, "log-writer-" + name);
    writer.setDaemon(true);
    super.start();
    writer.start();
    // the writer is a daemon: at exit, write what is queued
    Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "log-drain-" + name));
  }

  @Override
  protected void append(ILoggingEvent event) {
    byte[] line = encoder.encode(event);
    while (queued.get() >= QUEUE && isStarted()) {
      LockSupport.unpark(writer); // far behind: wait for the writer rather than drop or grow without bound
      LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
    }
    lines.add(line);
    if (queued.getAndIncrement() == 0) {
      LockSupport.unpark(writer); // the writer sleeps while there is nothing to write
    }
  }

  @Override
  public void stop() {
    if (!stopping.compareAndSet(false, true)) {
      return; // stopped by logback and by the exit hook: once is enough
    }
    super.stop();
    LockSupport.unpark(writer);
    try {
      writer.join(TimeUnit.SECONDS.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    writeQueued(); // what came after the writer's last batch
  }

  private void writeUntilStopped() {
    while (isStarted()) {
      if (queued.get() == 0) {
        LockSupport.park(this); // until a line comes (a wake-up that came first is not lost: park returns at once)
        continue;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(WRITE_EVERY_MS)); // let the lines of the moment gather
      writeQueued();
    }
  }

  private void writeQueued() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(WRITE_BYTES);
    int taken = 0;
    // what was queued when the writer looked: lines added meanwhile wait for the next round
    for (int n = queued.get(); taken < n; taken++) {
      byte[] line = lines.poll();
      if (line == null) {
        break; // only if stop's last round met a writer that outlived its wait
      }
      if (bytes.size() > 0 && bytes.size() + line.length > WRITE_BYTES) {
        write(bytes);
      }
      bytes.writeBytes(line);
    }
    write(bytes);
    queued.addAndGet(-taken);
  }

  private void write(ByteArrayOutputStream bytes) {
    if (bytes.size() == 0) {
      return;
    }
    try {
      bytes.writeTo(out);
      out.flush();
    } catch (IOException e) {
      addError("could not write log lines", e);
    }
    bytes.reset();
  }
}
