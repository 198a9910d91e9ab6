package com.scanforpay.gateway.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Main class of the child JVM started by {@link LocalKafkaBroker}. Not meant to be called from tests.
 * <p>
 * Usage: {@code BrokerProcessMain [--lock <file>] [--format <cluster-id>] <server.properties>}
 * <ol>
 *   <li>installs {@link StderrSlf4jProvider} if the classpath holds no SLF4J binding;</li>
 *   <li>with {@code --lock}, takes an exclusive OS file lock on that file (and writes its pid into it) for its whole
 *       life, exiting with code 4 if another process holds it: Kafka 4.1 in KRaft mode does not stop a second broker
 *       from opening the same metadata log, and two of them corrupt it;</li>
 *   <li>starts the parent watch: the JVM exits (running Kafka's own shutdown hook, i.e. a clean broker
 *       shutdown, hard halt after 15 s) as soon as stdin reaches EOF or the parent process is gone.
 *       The parent keeps the write end of the stdin pipe open for the broker's whole life; the OS closes
 *       it when the parent dies for any reason, including {@code kill -9}, so the broker cannot outlive it;</li>
 *   <li>with {@code --format}, formats the KRaft storage in-process ({@code kafka.tools.StorageTool format
 *       --ignore-formatted}), saving a second JVM start;</li>
 *   <li>runs {@code kafka.Kafka.main(server.properties)}, which blocks until the broker shuts down.</li>
 * </ol>
 */
public final class BrokerProcessMain {

    private static final long HALT_AFTER_MS = 15_000;
    private static final AtomicBoolean EXITING = new AtomicBoolean();
    @SuppressWarnings("unused") // strong reference keeps the lock's channel open
    private static volatile FileLock dataDirLock;

    private BrokerProcessMain() {
    }

    public static void main(String[] args) throws Exception {
        installFallbackLogging();

        String clusterId = null;
        String config = null;
        String lockFile = null;
        for (int i = 0; i < args.length; i++) {
            if ("--format".equals(args[i]) && i + 1 < args.length) {
                clusterId = args[++i];
            } else if ("--lock".equals(args[i]) && i + 1 < args.length) {
                lockFile = args[++i];
            } else {
                config = args[i];
            }
        }
        if (config == null) {
            System.err.println("usage: BrokerProcessMain [--lock <file>] [--format <cluster-id>] <server.properties>");
            System.exit(2);
        }
        if (lockFile != null) {
            lock(Path.of(lockFile));
        }

        watchParent();

        if (clusterId != null) {
            String[] formatArgs = {"format", "-t", clusterId, "-c", config, "--ignore-formatted"};
            System.out.println("[local-kafka] formatting storage: " + Arrays.toString(formatArgs));
            int rc;
            try {
                rc = kafka.tools.StorageTool.execute(formatArgs, System.out);
            } catch (Exception e) {
                System.err.println("[local-kafka] storage format failed: " + e);
                e.printStackTrace();
                rc = 1;
            }
            if (rc != 0) {
                System.err.println("[local-kafka] storage format exited with " + rc);
                System.exit(rc);
            }
        }

        System.out.println("[local-kafka] starting kafka.Kafka " + config + " (pid " + ProcessHandle.current().pid() + ")");
        System.out.flush();
        kafka.Kafka.main(new String[] {config});
    }

    private static void lock(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock();
        if (lock == null) {
            String holder = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
            System.err.println("[local-kafka] " + file + " is locked by another broker process (pid " + holder
                    + "); refusing to start a second broker on the same data directory");
            System.exit(4);
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(String.valueOf(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)), 0);
        channel.force(false);
        dataDirLock = lock; // held (never released explicitly) until this JVM exits
    }

    private static void installFallbackLogging() {
        if (System.getProperty("slf4j.provider") != null) {
            return;
        }
        boolean hasProvider = ServiceLoader.load(SLF4JServiceProvider.class).iterator().hasNext();
        if (!hasProvider) {
            System.setProperty("slf4j.provider", StderrSlf4jProvider.class.getName());
        }
    }

    private static void watchParent() {
        Thread stdinWatch = new Thread(() -> {
            InputStream in = System.in;
            byte[] buffer = new byte[256];
            try {
                while (in.read(buffer) >= 0) {
                    // the parent never writes; anything it does write is ignored
                }
            } catch (IOException e) {
                // treated like EOF
            }
            exit("stdin closed (parent stopped the broker or is gone)");
        }, "local-kafka-stdin-watch");
        stdinWatch.setDaemon(true);
        stdinWatch.start();

        // Second line of defence, e.g. if stdin was redirected by someone running this class by hand.
        ProcessHandle.current().parent().ifPresent(parent ->
                parent.onExit().thenRun(() -> exit("parent process " + parent.pid() + " exited")));
    }

    private static void exit(String reason) {
        if (!EXITING.compareAndSet(false, true)) {
            return;
        }
        System.err.println("[local-kafka] " + reason + "; shutting the broker down");
        Thread halt = new Thread(() -> {
            try {
                Thread.sleep(HALT_AFTER_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            System.err.println("[local-kafka] clean shutdown took more than " + HALT_AFTER_MS + " ms; halting");
            Runtime.getRuntime().halt(3);
        }, "local-kafka-halt-watchdog");
        halt.setDaemon(true);
        halt.start();
        System.exit(0); // runs Kafka's shutdown hook (controlled shutdown, flushes logs)
    }
}
