package vn.quyhoach.solr;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.logging.log4j.LogManager;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a standalone Apache Solr 9.10.1 server on 127.0.0.1 through Solr's embedded Jetty runner
 * ({@link JettySolrRunner} from solr-test-framework).
 *
 * <p>The runner serves Solr under the context path {@code /solr} and always binds its connector to
 * 127.0.0.1 (the host is hard-coded in {@code JettySolrRunner.init} of Solr 9.10.1). After start
 * this class checks the host of the runner's base URL again and exits unless it is 127.0.0.1.
 *
 * <p>Log records go to {@code <log-dir>/solr.log} through Log4j 2 (see quyhoach-solr-log4j2.xml).
 * The process writes its pid to the pid file before Jetty starts and removes the file when it
 * stops. SIGTERM and SIGINT stop Jetty and close the cores, which commits pending index changes.
 *
 * <p>Exit status: 143 after SIGTERM and 130 after SIGINT (the JVM's status for a signal), 1 when
 * Solr failed to start, 2 for invalid arguments.
 */
public final class QuyhoachSolr {

  static final int DEFAULT_PORT = 8983;
  static final String CONTEXT_PATH = "/solr";
  static final String LOG4J_CONFIG_RESOURCE = "quyhoach-solr-log4j2.xml";

  private static final int EXIT_START_FAILED = 1;
  private static final int EXIT_USAGE = 2;

  private static final String USAGE =
      String.join(
          "\n",
          "Usage: java -cp 'quyhoach-solr.jar:dependency/*' vn.quyhoach.solr.QuyhoachSolr",
          "         --solr-home DIR --log-dir DIR --pid-file FILE [--port PORT]",
          "",
          "  --solr-home DIR   Solr home: contains solr.xml and one folder per core (required)",
          "  --log-dir DIR     folder for solr.log, created if missing (required)",
          "  --pid-file FILE   file that contains the pid while the server runs (required)",
          "  --port PORT       TCP port on 127.0.0.1, 1-65535 (default " + DEFAULT_PORT + ")");

  private QuyhoachSolr() {}

  /** Command-line options after validation. */
  record Options(int port, Path solrHome, Path logDir, Path pidFile) {}

  /** Invalid command line, reported with the usage text. */
  static final class UsageException extends Exception {
    UsageException(String message) {
      super(message);
    }
  }

  public static void main(String[] args) {
    if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.println(USAGE);
      return;
    }
    Options options;
    try {
      options = parseOptions(args);
    } catch (UsageException e) {
      System.err.println("quyhoach-solr: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(EXIT_USAGE);
      return;
    }

    try {
      Files.createDirectories(options.logDir());
    } catch (IOException e) {
      System.err.println(
          "quyhoach-solr: cannot create log folder " + options.logDir() + ": " + e.getMessage());
      System.exit(EXIT_START_FAILED);
      return;
    }
    configureLogging(options.logDir());

    // The logger is created only now because Log4j reads its configuration on first use.
    Logger log = LoggerFactory.getLogger(QuyhoachSolr.class);
    System.exit(run(options, log));
  }

  /**
   * Parses {@code --name value} pairs. Relative paths are resolved against the working folder.
   *
   * @throws UsageException when an option is unknown, repeated, missing or invalid
   */
  static Options parseOptions(String[] args) throws UsageException {
    Properties values = new Properties();
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (!name.equals("--port")
          && !name.equals("--solr-home")
          && !name.equals("--log-dir")
          && !name.equals("--pid-file")) {
        throw new UsageException("unknown option: " + name);
      }
      if (i + 1 >= args.length) {
        throw new UsageException("missing value for " + name);
      }
      if (values.containsKey(name)) {
        throw new UsageException("option given twice: " + name);
      }
      values.setProperty(name, args[++i]);
    }

    int port = parsePort(values.getProperty("--port", Integer.toString(DEFAULT_PORT)));
    Path solrHome = requirePath(values, "--solr-home");
    Path logDir = requirePath(values, "--log-dir");
    Path pidFile = requirePath(values, "--pid-file");

    if (!Files.isRegularFile(solrHome.resolve("solr.xml"))) {
      throw new UsageException("solr.xml not found in Solr home " + solrHome);
    }
    return new Options(port, solrHome, logDir, pidFile);
  }

  private static int parsePort(String text) throws UsageException {
    int port;
    try {
      port = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new UsageException("invalid port (expected a number from 1 to 65535): " + text);
    }
    if (port < 1 || port > 65535) {
      throw new UsageException("invalid port (expected a number from 1 to 65535): " + text);
    }
    return port;
  }

  private static Path requirePath(Properties values, String name) throws UsageException {
    String text = values.getProperty(name);
    if (text == null || text.isBlank()) {
      throw new UsageException("missing required option " + name);
    }
    return Path.of(text).toAbsolutePath().normalize();
  }

  /**
   * Points Log4j 2 at the bundled configuration, which writes {@code solr.log} into {@code logDir}.
   * A {@code -Dlog4j2.configurationFile=...} given on the java command line takes precedence.
   */
  private static void configureLogging(Path logDir) {
    // The bundled Log4j configuration reads solr.log.dir, and Solr logs an error when it is unset.
    System.setProperty("solr.log.dir", logDir.toString());
    if (System.getProperty("log4j2.configurationFile") == null) {
      System.setProperty("log4j2.configurationFile", LOG4J_CONFIG_RESOURCE);
    }
    // The shutdown hook below stops Log4j itself, after its last log record.
    System.setProperty("log4j2.shutdownHookEnabled", "false");
  }

  /** Starts Solr, blocks until a shutdown signal has stopped it and returns the exit code. */
  static int run(Options options, Logger log) {
    long pid = ProcessHandle.current().pid();
    try {
      claimPidFile(options.pidFile(), pid);
    } catch (IOException | IllegalStateException e) {
      log.error("Cannot write pid file {}: {}", options.pidFile(), e.getMessage());
      LogManager.shutdown();
      return EXIT_START_FAILED;
    }

    JettySolrRunner runner;
    try {
      runner = new JettySolrRunner(options.solrHome().toString(), buildJettyConfig(options.port()));
    } catch (RuntimeException | LinkageError e) {
      // A LinkageError here usually means a jar is missing from the classpath.
      log.error("Cannot set up Jetty for Solr: {}", e.toString(), e);
      deletePidFile(options.pidFile(), pid, log);
      LogManager.shutdown();
      return EXIT_START_FAILED;
    }

    CountDownLatch stopped = new CountDownLatch(1);
    Thread shutdownHook =
        new Thread(() -> stopOnSignal(runner, options.pidFile(), log, stopped), "solr-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);

    log.info(
        "Starting Solr on http://127.0.0.1:{}{} with Solr home {} (pid {})",
        options.port(),
        CONTEXT_PATH,
        options.solrHome(),
        pid);
    try {
      runner.start();
      verifyLoopbackHost(runner);
    } catch (Exception e) {
      log.error("Solr failed to start on port {}: {}", options.port(), e.toString(), e);
      if (removeShutdownHook(shutdownHook)) {
        try {
          runner.stop();
        } catch (Exception stopError) {
          // After a failed start Jetty has often stopped itself, and stop() then throws
          // IllegalStateException: STOPPED.
          log.warn("Cleanup after the failed start also failed: {}", stopError.toString());
        }
        deletePidFile(options.pidFile(), pid, log);
        LogManager.shutdown();
      } else {
        // A shutdown signal arrived during start, and the running hook cleans up.
        awaitStop(stopped);
      }
      return EXIT_START_FAILED;
    }
    log.info("Solr started: {} (pid {})", runner.getBaseUrl(), pid);

    // Jetty serves from its own threads. The main thread waits until the shutdown hook has
    // finished, so that the System.exit call in main cannot cut the hook short.
    awaitStop(stopped);
    return 0;
  }

  private static JettyConfig buildJettyConfig(int port) {
    return JettyConfig.builder()
        .setPort(port)
        .setContext(CONTEXT_PATH)
        // The shutdown hook of this class stops Jetty, so that it can close the cores first
        // and log the stop.
        .stopAtShutdown(false)
        // Fail at once when the port is taken. By default the runner retries for 60 s.
        .withPortRetryTime(0)
        .build();
  }

  /**
   * Removes the hook and returns true, or returns false when the JVM is already shutting down and
   * the hook runs anyway.
   */
  private static boolean removeShutdownHook(Thread hook) {
    try {
      return Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      return false;
    }
  }

  private static void awaitStop(CountDownLatch stopped) {
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Writes {@code pid} into the pid file.
   *
   * @throws IllegalStateException when the file names another process that is still alive
   */
  private static void claimPidFile(Path pidFile, long pid) throws IOException {
    Optional<Long> previous = readPid(pidFile);
    if (previous.isPresent() && previous.get() != pid) {
      Optional<ProcessHandle> other = ProcessHandle.of(previous.get());
      if (other.isPresent() && other.get().isAlive()) {
        throw new IllegalStateException(
            "it names process "
                + previous.get()
                + ", which is still running. Stop that Solr first, or delete the file if that"
                + " process is not Solr");
      }
    }
    Path parent = pidFile.getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(pidFile, pid + "\n", StandardCharsets.US_ASCII);
  }

  private static Optional<Long> readPid(Path pidFile) throws IOException {
    if (!Files.isRegularFile(pidFile)) {
      return Optional.empty();
    }
    String text = Files.readString(pidFile, StandardCharsets.US_ASCII).trim();
    try {
      return Optional.of(Long.parseLong(text));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Deletes the pid file unless another process has overwritten it meanwhile. */
  private static void deletePidFile(Path pidFile, long pid, Logger log) {
    try {
      Optional<Long> current = readPid(pidFile);
      if (current.isPresent() && current.get() == pid) {
        Files.deleteIfExists(pidFile);
      }
    } catch (IOException e) {
      log.warn("Cannot delete pid file {}: {}", pidFile, e.getMessage());
    }
  }

  /**
   * Throws when the connector is bound to anything but 127.0.0.1. The base URL of the runner
   * contains the host of its first connector.
   */
  private static void verifyLoopbackHost(JettySolrRunner runner) {
    String host = runner.getBaseUrl().getHost();
    if (!"127.0.0.1".equals(host)) {
      throw new IllegalStateException(
          "Jetty is bound to host " + host + ", but this launcher allows only 127.0.0.1");
    }
  }

  private static void stopOnSignal(
      JettySolrRunner runner, Path pidFile, Logger log, CountDownLatch stopped) {
    try {
      log.info("Stopping Solr (shutdown signal received)");
      stopQuietly(runner, log);
      deletePidFile(pidFile, ProcessHandle.current().pid(), log);
      log.info("Solr stopped");
    } finally {
      LogManager.shutdown();
      stopped.countDown();
    }
  }

  private static void stopQuietly(JettySolrRunner runner, Logger log) {
    try {
      runner.stop();
    } catch (Exception e) {
      log.error("Stopping Jetty failed: {}", e.toString(), e);
    }
  }
}
