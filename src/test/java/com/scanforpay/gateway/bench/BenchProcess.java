package com.scanforpay.gateway.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM of the benchmark (a packaged gateway, or the reference consumer) whose CPU time and memory are read
 * from {@code /proc}, and whose start-up to ready is timed from just before the process is started.
 */
final class BenchProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private static final Set<BenchProcess> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(BenchProcess::close),
                "bench-process-reaper"));
    }

    private final String name;
    private final Process process;
    private final Path log;
    private final long startedNanos;
    private final int httpPort;
    private final int managementPort;
    private final CountDownLatch readyLine = new CountDownLatch(1);
    private long readyNanos = -1;

    private BenchProcess(String name, Process process, Path log, long startedNanos, int httpPort,
            int managementPort) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.startedNanos = startedNanos;
        this.httpPort = httpPort;
        this.managementPort = managementPort;
        RUNNING.add(this);
    }

    /**
     * The packaged gateway, configured only by {@code env} (as in PackagedGatewayIT), HTTP on {@code port} and the
     * management interface (health) on {@code managementPort}.
     */
    static BenchProcess gateway(String name, Path jar, List<String> jvmOptions, Map<String, String> env, int port,
            int managementPort, Path log) {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.environment().put("QUARKUS_HTTP_PORT", String.valueOf(port));
        builder.environment().put("QUARKUS_MANAGEMENT_PORT", String.valueOf(managementPort));
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        long started = System.nanoTime();
        try {
            return new BenchProcess(name, builder.start(), log, started, port, managementPort);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** A plain Java main on {@code classpath}; it is ready when it prints a line starting {@code READY}. */
    static BenchProcess java(String name, String classpath, List<String> jvmOptions, String mainClass,
            List<String> args, Path log) {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        long started = System.nanoTime();
        BenchProcess child;
        try {
            child = new BenchProcess(name, builder.start(), log, started, -1, -1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
        Thread copier = new Thread(child::copyOutput, name + "-output");
        copier.setDaemon(true);
        copier.start();
        return child;
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private void copyOutput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)); var out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("READY") && readyLine.getCount() > 0) {
                    readyNanos = System.nanoTime();
                    readyLine.countDown();
                }
                out.write(line);
                out.newLine();
                out.flush();
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** Polls {@code /q/health/ready} (management port) every 50 ms until 200; returns the start-up time. */
    Duration awaitHttpReady(Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(managementUrl() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(1)).build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; log " + log);
            }
            try {
                if (HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    readyNanos = System.nanoTime();
                    return startUp();
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(50);
        }
        throw new IllegalStateException(name + " not ready after " + atMost + "; log " + log);
    }

    /** Waits for the {@code READY} line; returns the start-up time. */
    Duration awaitReadyLine(Duration atMost) {
        try {
            if (!readyLine.await(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(name + " not ready after " + atMost + "; log " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return startUp();
    }

    Duration startUp() {
        return Duration.ofNanos(readyNanos - startedNanos);
    }

    /** The main port: the notify callback and the payments API. */
    String baseUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** The management interface: health and metrics. */
    String managementUrl() {
        return "http://127.0.0.1:" + managementPort;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Path log() {
        return log;
    }

    /** utime + stime so far, in clock ticks. */
    long cpuTicks() {
        requireAlive();
        return ProcStats.cpuTicks(process.pid());
    }

    long peakRssKb() {
        requireAlive();
        return ProcStats.peakRssKb(process.pid());
    }

    private void requireAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " died (exit " + process.exitValue() + "); log " + log);
        }
    }

    /** SIGTERM, SIGKILL after 30 s. */
    @Override
    public void close() {
        RUNNING.remove(this);
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
