package com.scanforpay.gateway.devstack;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A real single-node Apache Kafka 4.1 KRaft broker (combined broker + controller) running in its own child JVM,
 * for tests and the local stack. No Docker needed.
 * <p>
 * The broker's classpath comes from {@code target/kafka-broker.classpath}, written by the build
 * ({@code mvn generate-test-resources}); it is looked up via the system property
 * {@value #CLASSPATH_FILE_PROPERTY}, else {@code target/kafka-broker.classpath} relative to the working
 * directory, else in {@code target/} of each parent of the working directory.
 * <p>
 * Layout of {@code dataDir}: {@code server.properties}, {@code kafka-log4j2.properties} (both rewritten at
 * every start), {@code broker.log} (stdout+stderr of the child, appended across restarts), {@code broker.lock}
 * (OS lock + pid of the running broker: one broker per data directory) and {@code kafka-logs/}
 * (KRaft metadata + topic data; formatted only if it holds no {@code meta.properties}, so data survives restarts).
 * <p>
 * Lifetime: {@link #close()} stops the broker cleanly (SIGTERM, SIGKILL after 10 s). A JVM shutdown hook closes
 * every broker still running when the parent JVM exits normally. If the parent is killed ({@code kill -9}), the
 * child notices that its stdin pipe closed (see {@link BrokerProcessMain}) and shuts itself down.
 * <p>
 * Not thread-safe for concurrent {@code close()}/{@code createTopic()} from several threads beyond what
 * {@link Admin} guarantees; {@code close()} itself is idempotent.
 */
public final class LocalKafkaBroker implements AutoCloseable {

    /** System property naming the file that holds the broker classpath. */
    public static final String CLASSPATH_FILE_PROPERTY = "kafka.broker.classpath.file";
    /** Optional extra JVM options for the child, whitespace separated (e.g. "-Xmx1g"). */
    public static final String JVM_OPTIONS_PROPERTY = "kafka.broker.jvm.options";

    static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);
    private static final String CLASSPATH_FILE_NAME = "kafka-broker.classpath";
    private static final String LOG4J2_RESOURCE = "/devstack/kafka-log4j2.properties";
    private static final int LOG_TAIL_LINES = 80;
    private static final String LOCK_FILE_NAME = "broker.lock";

    private static final Set<LocalKafkaBroker> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (LocalKafkaBroker broker : RUNNING.toArray(new LocalKafkaBroker[0])) {
                broker.close();
            }
        }, "local-kafka-broker-reaper"));
    }

    private final Path dataDir;
    private final SecuredListeners secured;
    private final int port;
    private final int controllerPort;
    private final Process process;
    private final Path logFile;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Admin admin;

    private LocalKafkaBroker(Path dataDir, int port, int controllerPort, Process process, Path logFile,
            SecuredListeners secured) {
        this.secured = secured;
        this.dataDir = dataDir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.process = process;
        this.logFile = logFile;
    }

    /**
     * Starts a broker on {@code dataDir} and blocks until it serves metadata requests.
     *
     * @param dataDir directory for config, log file and Kafka data; created and formatted if new, reused otherwise
     * @param port    broker (PLAINTEXT) port on 127.0.0.1; 0 picks free ports. The controller port is always
     *                picked freely.
     * @throws IllegalStateException if the broker does not come up within 60 s (message holds the log tail)
     */
    public static LocalKafkaBroker start(Path dataDir, int port) {
        return start(dataDir, port, Map.of());
    }

    /**
     * Like {@link #start(Path, int)}, with extra broker settings that override the defaults (e.g.
     * {@code "offsets.topic.num.partitions"}). Listener/quorum/log-dir settings should not be overridden.
     */
    public static LocalKafkaBroker start(Path dataDir, int port, Map<String, String> brokerOverrides) {
        return start(dataDir, port, brokerOverrides, null);
    }

    /**
     * Like {@link #start(Path, int, Map)}, with {@code secured} listeners beside the PLAINTEXT one (null: none). Their
     * ports 0 pick free ones; {@link #secured()} tells the ports taken, to start the broker again on the same ones.
     */
    public static LocalKafkaBroker start(Path dataDir, int port, Map<String, String> brokerOverrides,
            SecuredListeners secured) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        Path dir = dataDir.toAbsolutePath().normalize();
        LocalKafkaBroker broker;
        try {
            broker = launch(dir, port, brokerOverrides, secured);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start local Kafka broker in " + dir, e);
        }
        try {
            broker.awaitReady(START_TIMEOUT);
            broker.addScramUsers();
        } catch (RuntimeException | Error e) {
            broker.close();
            throw e;
        }
        return broker;
    }

    /** Writes the config and starts the child; serialised so that two starts cannot race on one data directory. */
    private static synchronized LocalKafkaBroker launch(Path dir, int port, Map<String, String> brokerOverrides,
            SecuredListeners requested) throws IOException {
        Files.createDirectories(dir);
        ensureNotInUse(dir);
        int brokerPort = port == 0 ? freePort(-1) : requireFree(port);
        int controllerPort = freePort(brokerPort);
        SecuredListeners secured = requested == null ? null : requested.withPorts(
                requested.saslSslPort() == 0 ? freePort(controllerPort) : requireFree(requested.saslSslPort()),
                requested.sslPort() == 0 ? freePort(controllerPort) : requireFree(requested.sslPort()));
        if (secured != null && secured.saslSslPort() == secured.sslPort()) {
            throw new IllegalStateException("the SASL_SSL and SSL listeners need two ports");
        }

        Path kafkaLogs = dir.resolve("kafka-logs");
        boolean format = !Files.exists(kafkaLogs.resolve("meta.properties"));

        Path serverProperties = dir.resolve("server.properties");
        writeServerProperties(serverProperties, kafkaLogs, brokerPort, controllerPort, brokerOverrides, secured);
        Path log4jConfig = dir.resolve("kafka-log4j2.properties");
        try (InputStream in = LocalKafkaBroker.class.getResourceAsStream(LOG4J2_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("classpath resource " + LOG4J2_RESOURCE + " missing");
            }
            Files.copy(in, log4jConfig, StandardCopyOption.REPLACE_EXISTING);
        }

        Path logFile = dir.resolve("broker.log");
        Files.writeString(logFile, System.lineSeparator() + "=== " + Instant.now() + " starting local Kafka broker on 127.0.0.1:"
                + brokerPort + " (controller " + controllerPort + ")" + (format ? ", formatting new storage" : ", reusing storage")
                + " ===" + System.lineSeparator(), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);

        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xms128m");
        command.add("-Xmx512m");
        command.add("-XX:+UseSerialGC");
        // C1 only: ~25 % faster start-up and no C2 compiler threads competing for the 2 cores; plenty for tests.
        // Override with -Dkafka.broker.jvm.options=-XX:TieredStopAtLevel=4 (later options win).
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:+ExitOnOutOfMemoryError");
        command.add("-XX:-UsePerfData");
        command.add("-Djava.awt.headless=true");
        command.add("-Dlog4j2.configurationFile=" + log4jConfig.toUri());
        String extra = System.getProperty(JVM_OPTIONS_PROPERTY, "").trim();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.add("-cp");
        command.add(brokerClasspath());
        command.add(BrokerProcessMain.class.getName());
        command.add("--lock");
        command.add(dir.resolve(LOCK_FILE_NAME).toString());
        if (format) {
            command.add("--format");
            command.add(Uuid.randomUuid().toString());
        }
        command.add(serverProperties.toString());

        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                // stdin stays a pipe on purpose: the child exits when it closes (see BrokerProcessMain)
                .start();
        LocalKafkaBroker broker = new LocalKafkaBroker(dir, brokerPort, controllerPort, process, logFile, secured);
        RUNNING.add(broker);
        return broker;
    }

    /** {@code "127.0.0.1:<port>"}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The secured listeners and their ports; null when the broker has none. */
    public SecuredListeners secured() {
        return secured;
    }

    /**
     * Secured listeners on 127.0.0.1: {@code SASL_SSL} (mechanisms SCRAM-SHA-512 and PLAIN, each of {@code users}
     * known to both) and {@code SSL} requiring a client certificate signed by the authority in {@code trustStore}.
     * Their users may do only what ACLs allow (users {@code User:<name>}, certificates {@code User:CN=<name>}).
     * Both present the certificate of {@code keyStore}; the stores are PKCS12 files with {@code storePassword}.
     */
    public record SecuredListeners(int saslSslPort, int sslPort, Path keyStore, Path trustStore,
            String storePassword, Map<String, String> users) {

        /** {@code "127.0.0.1:<port>"} of the SASL_SSL listener. */
        public String saslSslBootstrapServers() {
            return "127.0.0.1:" + saslSslPort;
        }

        /** {@code "127.0.0.1:<port>"} of the mutual-TLS listener. */
        public String sslBootstrapServers() {
            return "127.0.0.1:" + sslPort;
        }

        SecuredListeners withPorts(int saslSsl, int ssl) {
            return new SecuredListeners(saslSsl, ssl, keyStore, trustStore, storePassword, users);
        }
    }

    /** The broker (PLAINTEXT) port. */
    public int port() {
        return port;
    }

    /** The KRaft controller port (only the broker itself talks to it). */
    public int controllerPort() {
        return controllerPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** stdout/stderr of the broker JVM: {@code <dataDir>/broker.log}. */
    public Path logFile() {
        return logFile;
    }

    /** Process id of the broker JVM. */
    public long pid() {
        return process.pid();
    }

    public boolean isRunning() {
        return !closed.get() && process.isAlive();
    }

    /**
     * Creates a topic with replication factor 1 unless it exists (an existing topic is left as it is, even with
     * another partition count), then waits until every partition has a leader.
     */
    public void createTopic(String name, int partitions) {
        ensureOpen();
        Admin client = admin();
        long deadline = System.nanoTime() + TOPIC_TIMEOUT.toNanos();
        try {
            client.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all()
                    .get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("could not create topic " + name, e.getCause());
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out creating topic " + name + logTail(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        }
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                TopicDescription description = client.describeTopics(List.of(name), new DescribeTopicsOptions().timeoutMs(5_000))
                        .allTopicNames().get(5, TimeUnit.SECONDS).get(name);
                if (description != null && !description.partitions().isEmpty()
                        && description.partitions().stream().map(TopicPartitionInfo::leader).allMatch(l -> l != null && !l.isEmpty())) {
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for topic " + name, e);
            }
            pause(100);
        }
        throw new IllegalStateException("topic " + name + " has no leaders after " + TOPIC_TIMEOUT + logTail(), last);
    }

    /** Stops the broker (SIGTERM = clean shutdown; SIGKILL after 10 s). Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            Admin client = admin;
            admin = null;
            if (client != null) {
                try {
                    client.close(Duration.ofSeconds(2));
                } catch (RuntimeException ignored) {
                    // best effort
                }
            }
            try {
                OutputStream stdin = process.getOutputStream();
                stdin.close();
            } catch (IOException ignored) {
                // the child exits on EOF anyway
            }
            process.destroy();
            boolean interrupted = false;
            try {
                if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                interrupted = true;
                process.destroyForcibly();
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        } finally {
            RUNNING.remove(this);
        }
    }

    @Override
    public String toString() {
        return "LocalKafkaBroker[" + bootstrapServers() + ", pid " + process.pid() + ", " + dataDir + "]";
    }

    // ---------------------------------------------------------------------------------------------------------

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("local Kafka broker exited with code " + process.exitValue()
                        + " during start-up" + logTail());
            }
            long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (remainingMs <= 0) {
                throw new IllegalStateException("local Kafka broker on " + bootstrapServers() + " not ready after "
                        + timeout.toSeconds() + " s (last error: " + last + ")" + logTail(), last);
            }
            if (accepts(port)) {
                try {
                    int callTimeout = (int) Math.max(1_000, Math.min(10_000, remainingMs));
                    var cluster = admin().describeCluster(new DescribeClusterOptions().timeoutMs(callTimeout));
                    java.util.Collection<Node> nodes = cluster.nodes().get(callTimeout, TimeUnit.MILLISECONDS);
                    String clusterId = cluster.clusterId().get(callTimeout, TimeUnit.MILLISECONDS);
                    if (!nodes.isEmpty() && clusterId != null) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the local Kafka broker", e);
                }
            }
            pause(100);
        }
    }

    /** Waits up to {@code millis}, returning early if the broker process exits. */
    private void pause(long millis) {
        try {
            process.onExit().get(millis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException expected) {
            // normal case: still running
        } catch (ExecutionException e) {
            // cannot happen for onExit()
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    private Admin admin() {
        Admin client = admin;
        if (client == null) {
            synchronized (this) {
                client = admin;
                if (client == null) {
                    Map<String, Object> config = new LinkedHashMap<>();
                    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
                    config.put(AdminClientConfig.CLIENT_ID_CONFIG, "local-kafka-broker-admin-" + port);
                    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
                    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
                    config.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 50);
                    config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
                    config.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 50);
                    config.put(AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 500);
                    client = Admin.create(config);
                    admin = client;
                }
            }
        }
        return client;
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void writeServerProperties(Path file, Path kafkaLogs, int brokerPort, int controllerPort,
                                              Map<String, String> overrides, SecuredListeners secured) throws IOException {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        if (secured != null) {
            addSecuredListeners(p, secured);
        }
        p.put("log.dirs", kafkaLogs.toString());

        p.put("num.partitions", "3");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("auto.create.topics.enable", "true");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "10");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");

        // 2 cores, small heap: fewer threads and a small log-cleaner buffer (default 128 MiB).
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("background.threads", "2");
        p.put("log.cleaner.threads", "1");
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));
        p.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
        p.put("log.retention.check.interval.ms", "60000");

        p.putAll(overrides);
        Properties properties = new Properties();
        properties.putAll(p);
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            properties.store(writer, "Local single-node KRaft broker (LocalKafkaBroker); rewritten at every start");
        }
    }

    private static void addSecuredListeners(Map<String, String> p, SecuredListeners secured) {
        p.put("listeners", p.get("listeners") + ",SASL_SSL://127.0.0.1:" + secured.saslSslPort()
                + ",SSL://127.0.0.1:" + secured.sslPort());
        p.put("advertised.listeners", p.get("advertised.listeners") + ",SASL_SSL://127.0.0.1:"
                + secured.saslSslPort() + ",SSL://127.0.0.1:" + secured.sslPort());
        p.put("listener.security.protocol.map", p.get("listener.security.protocol.map")
                + ",SASL_SSL:SASL_SSL,SSL:SSL");
        p.put("sasl.enabled.mechanisms", "SCRAM-SHA-512,PLAIN");
        p.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        StringBuilder plain = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
        secured.users().forEach((user, password) -> plain.append(" user_").append(user).append("=\"")
                .append(password).append('"'));
        p.put("listener.name.sasl_ssl.plain.sasl.jaas.config", plain.append(';').toString());
        for (String listener : List.of("sasl_ssl", "ssl")) {
            String prefix = "listener.name." + listener + ".";
            p.put(prefix + "ssl.keystore.type", "PKCS12");
            p.put(prefix + "ssl.keystore.location", secured.keyStore().toString());
            p.put(prefix + "ssl.keystore.password", secured.storePassword());
            p.put(prefix + "ssl.key.password", secured.storePassword());
        }
        // ACLs decide what the secured listeners' users may do; PLAINTEXT's clients (and the broker itself) are
        // ANONYMOUS, allowed everything as before
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.put("super.users", "User:ANONYMOUS");
        p.put("listener.name.ssl.ssl.client.auth", "required");
        p.put("listener.name.ssl.ssl.truststore.type", "PKCS12");
        p.put("listener.name.ssl.ssl.truststore.location", secured.trustStore().toString());
        p.put("listener.name.ssl.ssl.truststore.password", secured.storePassword());
    }

    /** SCRAM credentials live in the cluster's metadata: set (again) over the PLAINTEXT listener once it is up. */
    private void addScramUsers() {
        if (secured == null) {
            return;
        }
        List<UserScramCredentialAlteration> users = new ArrayList<>();
        secured.users().forEach((user, password) -> users.add(new UserScramCredentialUpsertion(user,
                new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password)));
        try {
            admin().alterUserScramCredentials(users).all().get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not add the SCRAM users" + logTail(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while adding the SCRAM users", e);
        }
    }

    /**
     * Kafka 4.1 (KRaft) does not stop a second broker from opening the same metadata log (and two corrupt it), so
     * the child holds an OS lock on {@code <dataDir>/broker.lock}; check it here too, before touching any file.
     */
    private static void ensureNotInUse(Path dir) throws IOException {
        for (LocalKafkaBroker running : RUNNING) {
            if (running.dataDir.equals(dir)) {
                if (running.process.isAlive()) {
                    throw new IllegalStateException(dir + " is in use by " + running);
                }
                running.close(); // its JVM died on its own: just forget it
            }
        }
        Path lockFile = dir.resolve(LOCK_FILE_NAME);
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                String holder = Files.readString(lockFile, StandardCharsets.UTF_8).trim();
                throw new IllegalStateException(dir + " is in use by another local Kafka broker (pid " + holder + ")");
            }
            lock.release();
        } catch (OverlappingFileLockException e) {
            throw new IllegalStateException(dir + " is locked within this JVM", e);
        }
    }

    private static int freePort(int exclude) throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                int candidate = socket.getLocalPort();
                if (candidate != exclude) {
                    return candidate;
                }
            }
        }
        throw new IOException("no free loopback port found");
    }

    private static int requireFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return port;
        } catch (IOException e) {
            throw new IllegalStateException("port 127.0.0.1:" + port + " is in use (another broker on it?)", e);
        }
    }

    private static String brokerClasspath() throws IOException {
        Path file = locateClasspathFile();
        String classpath = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (classpath.isEmpty()) {
            throw new IllegalStateException(file + " is empty; run: mvn -B -o -q generate-test-resources");
        }
        Path ownClasses = ownClassesLocation(file);
        return classpath + File.pathSeparator + ownClasses;
    }

    static Path locateClasspathFile() {
        String configured = System.getProperty(CLASSPATH_FILE_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path path = Paths.get(configured).toAbsolutePath();
            if (!Files.isRegularFile(path)) {
                throw new IllegalStateException("-D" + CLASSPATH_FILE_PROPERTY + "=" + configured + " does not exist");
            }
            return path;
        }
        Path cwd = Paths.get("").toAbsolutePath();
        for (Path dir = cwd; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("target").resolve(CLASSPATH_FILE_NAME);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("Kafka broker classpath file not found: set -D" + CLASSPATH_FILE_PROPERTY
                + " or run `mvn -B -o -q generate-test-resources` (looked for target/" + CLASSPATH_FILE_NAME
                + " in " + cwd + " and its parents)");
    }

    /** Directory or jar holding BrokerProcessMain, appended to the broker classpath. */
    private static Path ownClassesLocation(Path classpathFile) {
        String classFile = BrokerProcessMain.class.getName().replace('.', '/') + ".class";
        try {
            var codeSource = BrokerProcessMain.class.getProtectionDomain().getCodeSource();
            URL location = codeSource == null ? null : codeSource.getLocation();
            if (location != null && "file".equals(location.getProtocol())) {
                Path path = Paths.get(location.toURI());
                if (Files.isRegularFile(path) || Files.isRegularFile(path.resolve(classFile))) {
                    return path;
                }
            }
        } catch (URISyntaxException | SecurityException | IllegalArgumentException ignored) {
            // fall through
        }
        // e.g. when loaded by Quarkus' class loader: use target/test-classes next to the classpath file
        Path testClasses = classpathFile.getParent().resolve("test-classes");
        if (Files.isRegularFile(testClasses.resolve(classFile))) {
            return testClasses;
        }
        throw new IllegalStateException("cannot locate the compiled " + BrokerProcessMain.class.getName());
    }

    private String logTail() {
        return System.lineSeparator() + "---- last lines of " + logFile + " ----" + System.lineSeparator() + tail(logFile, LOG_TAIL_LINES);
    }

    static String tail(Path file, int lines) {
        try {
            Deque<String> last = new ArrayDeque<>();
            for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
                last.addLast(line);
                if (last.size() > lines) {
                    last.removeFirst();
                }
            }
            return String.join(System.lineSeparator(), last);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }
}
