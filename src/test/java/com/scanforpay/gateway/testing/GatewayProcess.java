package com.scanforpay.gateway.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged gateway ({@code java -jar target/quarkus-app/quarkus-run.jar}, prod profile) as a child process,
 * configured by nothing but the environment variables it is given: the way it is deployed. Payments API and notify
 * callback on {@link #baseUrl()}; health, metrics, OpenAPI and Swagger UI on the management interface,
 * {@link #managementUrl()}.
 */
public final class GatewayProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final Path log;
    private final int port;
    private final int managementPort;

    private GatewayProcess(Process process, Path log, int port, int managementPort) {
        this.process = process;
        this.log = log;
        this.port = port;
        this.managementPort = managementPort;
    }

    /** The jar built by {@code mvn package}; failsafe passes its path. */
    public static Path jar() {
        Path jar = Path.of(System.getProperty("gateway.jar", "target/quarkus-app/quarkus-run.jar")).toAbsolutePath();
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: package the gateway first (mvn verify does)");
        }
        return jar;
    }

    /**
     * Starts the gateway with exactly {@code env} (plus {@code QUARKUS_HTTP_PORT} and {@code QUARKUS_MANAGEMENT_PORT},
     * each on a free port: 9000 may be taken by another gateway on the machine).
     */
    public static GatewayProcess start(String name, Map<String, String> env) {
        try {
            int[] ports = freePorts(2);
            int port = ports[0];
            int managementPort = ports[1];
            Path log = Files.createDirectories(Path.of("target", "gateway-processes")).resolve(name + ".log");
            ProcessBuilder builder = new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-jar",
                    jar().toString());
            builder.environment().clear();
            Map<String, String> all = new HashMap<>(env);
            all.put("QUARKUS_HTTP_PORT", String.valueOf(port));
            all.put("QUARKUS_MANAGEMENT_PORT", String.valueOf(managementPort));
            builder.environment().putAll(all);
            builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
            return new GatewayProcess(builder.start(), log, port, managementPort);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static int freePort() {
        return freePorts(1)[0];
    }

    /** {@code count} free ports, all different (each socket is held until all are found). */
    public static int[] freePorts(int count) {
        ServerSocket[] sockets = new ServerSocket[count];
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0);
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket socket : sockets) {
                closeQuietly(socket);
            }
        }
    }

    private static void closeQuietly(ServerSocket socket) {
        if (socket == null) {
            return;
        }
        try {
            socket.close();
        } catch (IOException e) {
            // the port is only probed: nothing to release
        }
    }

    /** The main HTTP port: the payments API and the notify callback. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** The management interface: {@code /q/health/*}, {@code /q/metrics}, {@code /q/openapi}, {@code /q/swagger-ui}. */
    public String managementUrl() {
        return "http://127.0.0.1:" + managementPort;
    }

    /** Waits until {@code /q/health/ready} on the management port answers 200 (Kafka reached, routes started). */
    public GatewayProcess awaitReady() {
        await("gateway ready on " + managementUrl()).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("gateway exited with " + process.exitValue() + ":\n" + log());
                    }
                    return readyStatus() == 200;
                });
        return this;
    }

    private int readyStatus() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(managementUrl() + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** {@code GET /q/health/ready}: its status and body (which checks are down, and why). */
    public HttpResponse<String> readiness() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(managementUrl() + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGTERM, as a container runtime stops it; waits for the exit, which must be clean (0 or 143). */
    public void terminate() {
        signalTerminate();
        awaitTerminated();
    }

    /** Sends SIGTERM and returns at once: the gateway drains what is in flight while the test watches. */
    public void signalTerminate() {
        process.destroy();
    }

    /** Waits for the exit after {@link #signalTerminate()}, which must be clean (0 or 143). */
    public void awaitTerminated() {
        int exit = waitForExit(Duration.ofSeconds(60));
        if (exit != 0 && exit != 143) {
            throw new IllegalStateException("gateway exited with " + exit + " on SIGTERM:\n" + log());
        }
    }

    /** SIGKILL: no shutdown hook, no flush, no commit. */
    public void kill() {
        process.destroyForcibly();
        waitForExit(Duration.ofSeconds(30));
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public int waitForExit(Duration atMost) {
        try {
            if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("gateway still running after " + atMost);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
