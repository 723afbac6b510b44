package dev.mesh.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's embedded PostgreSQL, shared by every instance of the service on this machine. The server
 * is a process of its own (it outlives the JVM that started it); instances find it by the
 * {@code postmaster.pid} in its data directory. Three files beside the data directory decide who does
 * what:
 * <ul>
 *   <li>{@code pg.lock}: an OS file lock held while an instance starts, adopts, restarts or stops the
 *       server, so two instances never do it at once (the kernel drops it if its holder dies);</li>
 *   <li>{@code pg.leases/}: one locked lease per live instance ({@link Leases}); the server is stopped
 *       only by the last instance leaving, and never while a live instance holds a lease;</li>
 *   <li>{@code pg.port}: the port the server was started on, so a server restarted after a crash comes
 *       back where the instances of other JVMs connect.</li>
 * </ul>
 * PostgreSQL's own {@code postmaster.pid} check forbids a second server on the data directory. Every
 * connection to the server needs a password, kept beside the data directory too ({@link EmbeddedLogin}).
 */
final class EmbeddedServer {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedServer.class);
  // servers this JVM started: zonky holds a lock on their data directory until closed
  private static final Map<Path, EmbeddedPostgres> STARTED_HERE = new ConcurrentHashMap<>();
  // the OS lock is per process; threads of one JVM queue here first
  private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

  private final Path dir;
  private final String service;
  private final Access access;
  private final Leases leases;
  private final Path controlFile;
  private final Path portFile;
  private Leases.Lease lease;
  private volatile int port;
  private String superuserPassword;
  private EmbeddedLogin login;

  /**
   * How the server is reached and who logs in: the address it listens on besides loopback, the networks
   * admitted there, and the passwords given by settings (null: made at first start, kept in files).
   */
  record Access(String listenHost, String allow, String superuserPassword, String servicePassword) {

    @Override
    public String toString() {
      return "Access[" + listenHost + ", allow " + allow + "]"; // never a password, should it reach a log line
    }
  }

  private EmbeddedServer(Path dir, String service, Access access) {
    this.dir = dir;
    this.service = service;
    this.access = access;
    this.leases = new Leases(dir.resolveSibling("pg.leases"));
    this.controlFile = dir.resolveSibling("pg.lock");
    this.portFile = dir.resolveSibling("pg.port");
  }

  /**
   * Uses the server running on {@code dir}, or starts one, and makes sure of its logins; blocking. Every
   * connection needs a password; the service connects as its own role ({@link #login()}).
   */
  static EmbeddedServer join(Path dir, String service, Access access) throws IOException {
    Files.createDirectories(dir.getParent());
    EmbeddedServer server = new EmbeddedServer(dir, service, access);
    server.underControl(() -> {
      server.lease = server.leases.take();
      server.superuserPassword = access.superuserPassword() != null ? access.superuserPassword()
          : PasswordFile.storedOrMade(EmbeddedLogin.superuserPasswordFile(dir.getParent()));
      OptionalInt running = server.runningPort();
      boolean startedHere = running.isEmpty();
      if (running.isPresent()) {
        server.port = running.getAsInt();
        if (server.knownBinaries() == null) {
          server.rememberBinaries();
        }
        log.info("using the PostgreSQL already running on {} (port {})", dir, server.port);
      } else {
        // instances of other JVMs still connect to the old port: keep it
        server.port = server.start(server.leases.othersAlive(server.lease) > 0);
      }
      try {
        server.secure(startedHere);
      } catch (IOException | RuntimeException e) {
        server.giveUp(); // this instance will not use the server after all
        throw e;
      }
    });
    return server;
  }

  /** The service's own login: its role, its database, its password. */
  EmbeddedLogin login() {
    return login;
  }

  /** The address instances connect to (loopback when the server listens on every interface). */
  String connectHost() {
    boolean everywhere = access.listenHost().equals("*") || access.listenHost().equals("0.0.0.0");
    return everywhere ? "127.0.0.1" : access.listenHost();
  }

  int port() {
    return port;
  }

  /**
   * Starts the server again on its data and port if it is not running (a crash, a kill -9); blocking.
   * Crash recovery is PostgreSQL's own work. True when the server runs afterwards.
   */
  boolean ensureRunning() throws IOException {
    boolean[] runs = {false};
    underControl(() -> {
      if (runningPort().isPresent()) {
        runs[0] = true;
        return;
      }
      log.warn("the PostgreSQL on {} is not running: starting it again on port {}", dir, port);
      start(true);
      runs[0] = true;
    });
    return runs[0];
  }

  /** Gives up this instance's lease; the last live instance stops the server. Blocking. */
  void leave() throws IOException {
    underControl(this::giveUp);
  }

  private void giveUp() throws IOException {
    lease.release();
    int others = leases.othersAlive(null);
    if (others > 0) {
      log.info("leaving the PostgreSQL on {} running for {} other instance(s)", dir, others);
    } else {
      stop();
    }
  }

  /**
   * Every instance, under pg.lock, makes sure of the logins (each step looks before it acts): the
   * superuser has its password (a server of an older version had none and trusted loopback), the
   * service's role owns its database ({@link ServiceAccount}), every pg_hba rule asks a password, and a
   * non-loopback address admits the allowed networks. The instance that started the server manages it
   * over loopback; one that adopted it may live in another network namespace and reaches it where its
   * pool will.
   */
  private void secure(boolean startedHere) throws IOException {
    String servicePassword = access.servicePassword() != null ? access.servicePassword()
        : PasswordFile.storedOrMade(EmbeddedLogin.servicePasswordFile(dir.getParent(), service));
    Superuser superuser = new Superuser(startedHere ? "127.0.0.1" : connectHost(), port, superuserPassword);
    HbaFile hba = new HbaFile(dir);
    try (Connection admin = superuser.connect("template1")) {
      if (hba.trustsAnyone()) {
        Superuser.setPassword(admin, EmbeddedLogin.SUPERUSER, superuserPassword); // before trust goes
      }
      new ServiceAccount(superuser, service).ensure(admin, servicePassword);
      boolean changed = hba.requirePasswords();
      if (startedHere && !loopbackOnly()) {
        changed |= hba.admit(access.allow());
      }
      if (changed) {
        Superuser.reload(admin);
      }
    } catch (SQLException e) {
      throw new IOException("could not set up the logins of the PostgreSQL on " + dir, e);
    }
    login = new EmbeddedLogin(service, servicePassword, service);
  }

  private int start(boolean keepPort) throws IOException {
    int wanted = savedPort();
    if (!keepPort && wanted > 0 && !free(wanted)) {
      wanted = 0;
    }
    Path bin = knownBinaries();
    int started = bin != null && Files.exists(dir.resolve("PG_VERSION"))
        ? startWithPgCtl(bin, wanted > 0 ? wanted : anyFreePort())
        : startWithZonky(wanted);
    Files.writeString(portFile, Integer.toString(started));
    log.info("started PostgreSQL on {} (port {})", dir, started);
    return started;
  }

  /**
   * The first start: zonky unpacks the server, runs initdb, starts it; we note where its binaries are.
   * initdb gives the superuser its password and makes every pg_hba rule ask for one, so the server never
   * runs a moment with loopback trusted.
   */
  private int startWithZonky(int wanted) throws IOException {
    EmbeddedPostgres previous = STARTED_HERE.remove(dir);
    if (previous != null) {
      previous.close(); // its server is gone; this releases zonky's lock on the data directory
    }
    Path passwordFile = dir.resolveSibling("pg.initdb-password");
    PasswordFile.write(passwordFile, superuserPassword); // initdb reads it from a file; gone once it has
    try {
      EmbeddedPostgres started = EmbeddedPostgres.builder()
          .setDataDirectory(dir)
          .setCleanDataDirectory(false)
          .setRegisterShutdownHook(false) // the server belongs to the service, not to this JVM
          .setPort(wanted)
          // zonky hands these to initdb as --name=value after its own "-A trust": the last --auth wins
          .setLocaleConfig("auth", HbaFile.METHOD)
          .setLocaleConfig("pwfile", passwordFile.toString())
          // zonky's readiness check logs in as the superuser
          .setConnectConfig("password", superuserPassword)
          .setServerConfig("listen_addresses", listenAddresses())
          // zonky's test defaults trade durability for speed; an acknowledged write must survive a crash
          .setServerConfig("fsync", "on")
          .setServerConfig("synchronous_commit", "on")
          .setPGStartupWait(Duration.ofSeconds(60))
          .start();
      STARTED_HERE.put(dir, started);
      rememberBinaries();
      return started.getPort();
    } finally {
      Files.deleteIfExists(passwordFile);
    }
  }

  /**
   * Later starts (a restart after a crash, by any instance): pg_ctl of the unpacked server, with the same
   * settings zonky gives. Not through zonky, whose lock on the data directory the JVM that first started
   * the server may still hold. As root, like zonky, in a user namespace: PostgreSQL refuses to run as root.
   */
  private int startWithPgCtl(Path bin, int port) throws IOException {
    String options = String.join(" ", "-p", Integer.toString(port), "-c", "listen_addresses=" + listenAddresses(),
        "-c", "fsync=on", "-c", "synchronous_commit=on", "-c", "timezone=UTC", "-c", "max_connections=300");
    List<String> command = new java.util.ArrayList<>();
    if ("root".equals(System.getProperty("user.name"))) {
      command.addAll(List.of("unshare", "-U"));
    }
    command.addAll(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.toString(), "-l",
        dir.resolveSibling("pg.log").toString(), "-o", options, "-w", "-t", "60", "start"));
    try {
      Process pgCtl = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(pgCtl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (pgCtl.waitFor() != 0) {
        throw new IOException("pg_ctl could not start PostgreSQL on " + dir + ": " + output
            + " (see " + dir.resolveSibling("pg.log") + ")");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while PostgreSQL starts", e);
    }
    return port;
  }

  private Path knownBinaries() {
    try {
      Path bin = Path.of(Files.readString(dir.resolveSibling("pg.bin")).trim());
      return Files.isExecutable(bin.resolve("pg_ctl")) ? bin : null;
    } catch (IOException | java.nio.file.InvalidPathException none) {
      return null;
    }
  }

  // a later restart then needs no zonky; without it (unreadable /proc), zonky starts the server again
  private void rememberBinaries() {
    try {
      OptionalInt pid = runningPid();
      if (pid.isPresent()) {
        Path exe = Files.readSymbolicLink(Path.of("/proc", Integer.toString(pid.getAsInt()), "exe"));
        Files.writeString(dir.resolveSibling("pg.bin"), exe.getParent().toString());
      }
    } catch (IOException | UnsupportedOperationException e) {
      log.debug("could not note where the PostgreSQL binaries are: {}", e.toString());
    }
  }

  private static int anyFreePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private void stop() throws IOException {
    OptionalInt pid = runningPid();
    EmbeddedPostgres mine = STARTED_HERE.remove(dir);
    if (mine != null) {
      log.info("stopping PostgreSQL on {}: no other instance uses it", dir);
      mine.close(); // pg_ctl stop, fast mode
    } else if (pid.isPresent()) {
      log.info("stopping PostgreSQL pid {} on {}: no other instance uses it", pid.getAsInt(), dir);
      try {
        // SIGINT is PostgreSQL's fast shutdown: sessions end, the data is checkpointed
        new ProcessBuilder("kill", "-INT", Integer.toString(pid.getAsInt())).inheritIO().start().waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    // stopped means gone: the next instance must not find a server on its way out
    if (pid.isPresent()) {
      ProcessHandle.of(pid.getAsInt()).ifPresent(p -> {
        try {
          p.onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          log.warn("PostgreSQL pid {} did not stop within 30 s", pid.getAsInt());
        }
      });
    }
  }

  /** The port of a live server of ours on this data directory, once it accepts connections. */
  private OptionalInt runningPort() throws IOException {
    for (int attempt = 0; attempt < 600; attempt++) {
      List<String> lines = postmasterPid();
      if (runningPid().isEmpty() || lines.size() < 4) {
        return OptionalInt.empty();
      }
      // line 8 is the server's status; a server still starting (or recovering) is not ready yet
      if (lines.size() < 8 || lines.get(7).trim().equals("ready")) {
        return OptionalInt.of(Integer.parseInt(lines.get(3).trim()));
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while PostgreSQL starts", e);
      }
    }
    throw new IOException("the PostgreSQL on " + dir + " did not become ready within 60 s");
  }

  /** The pid in postmaster.pid, if that process is alive and is a PostgreSQL serving this directory. */
  private OptionalInt runningPid() throws IOException {
    List<String> lines = postmasterPid();
    if (lines.isEmpty()) {
      return OptionalInt.empty();
    }
    int pid;
    try {
      pid = Integer.parseInt(lines.get(0).trim());
    } catch (NumberFormatException unreadable) {
      return OptionalInt.empty();
    }
    Path cmdline = Path.of("/proc", Integer.toString(pid), "cmdline");
    try {
      String command = new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).replace('\0', ' ');
      boolean ours = command.contains("postgres") && command.contains(dir.toString());
      return ours ? OptionalInt.of(pid) : OptionalInt.empty();
    } catch (IOException gone) {
      return OptionalInt.empty(); // no such process any more
    }
  }

  private List<String> postmasterPid() throws IOException {
    try {
      return Files.readAllLines(dir.resolve("postmaster.pid"));
    } catch (java.nio.file.NoSuchFileException none) {
      return List.of();
    }
  }

  private int savedPort() {
    try {
      return Integer.parseInt(Files.readString(portFile).trim());
    } catch (IOException | NumberFormatException none) {
      return 0;
    }
  }

  private static boolean free(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException taken) {
      return false;
    }
  }

  private boolean loopbackOnly() {
    return access.listenHost().equals("127.0.0.1") || access.listenHost().equals("localhost");
  }

  // loopback always, for the instances of this machine (and zonky's own readiness probe)
  private String listenAddresses() {
    boolean everywhere = access.listenHost().equals("*") || access.listenHost().equals("0.0.0.0");
    return loopbackOnly() ? "127.0.0.1" : everywhere ? "*" : "127.0.0.1," + access.listenHost();
  }

  private interface Work {
    void run() throws IOException;
  }

  private void underControl(Work work) throws IOException {
    ReentrantLock inJvm = JVM_LOCKS.computeIfAbsent(controlFile, f -> new ReentrantLock());
    inJvm.lock();
    try (FileChannel channel = FileChannel.open(controlFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
         FileLock lock = channel.lock()) {
      work.run();
    } finally {
      inJvm.unlock();
    }
  }
}
