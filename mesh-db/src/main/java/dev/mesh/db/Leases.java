package dev.mesh.db;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Who uses a shared embedded server: each instance holds an OS lock on a lease file of its own for as
 * long as it uses the server. The kernel drops the lock when the process dies, even by kill -9, so a
 * lease whose lock can be taken belongs to no live instance. One lease file per instance, never opened
 * twice by one JVM: on Linux, closing any channel of a file drops every lock this JVM holds on it.
 */
final class Leases {

  // the lease files this JVM holds: alive by definition, and never opened a second time here
  private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();

  private final Path dir;

  Leases(Path dir) {
    this.dir = dir;
  }

  /** A lease held until {@link Lease#release()} or the death of this process. */
  Lease take() throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(ProcessHandle.current().pid() + "-" + UUID.randomUUID() + ".lease");
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    FileLock lock = channel.lock();
    HELD_HERE.add(file);
    return new Lease(file, channel, lock);
  }

  /** How many live instances other than {@code mine} hold a lease; leases of dead ones are removed. */
  int othersAlive(Lease mine) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    int alive = 0;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".lease")).toList()) {
        if (mine != null && file.equals(mine.file)) {
          continue;
        }
        if (HELD_HERE.contains(file) || heldElsewhere(file)) {
          alive++;
        } else {
          Files.deleteIfExists(file);
        }
      }
    }
    return alive;
  }

  private static boolean heldElsewhere(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      FileLock lock = channel.tryLock();
      if (lock == null) {
        return true;
      }
      lock.release();
      return false;
    } catch (java.nio.file.NoSuchFileException gone) {
      return false;
    } catch (OverlappingFileLockException heldByThisJvm) {
      return true;
    }
  }

  /** One instance's use of the server. */
  static final class Lease {
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private Lease(Path file, FileChannel channel, FileLock lock) {
      this.file = file;
      this.channel = channel;
      this.lock = lock;
    }

    void release() throws IOException {
      Files.deleteIfExists(file);
      HELD_HERE.remove(file);
      lock.release();
      channel.close();
    }
  }
}
