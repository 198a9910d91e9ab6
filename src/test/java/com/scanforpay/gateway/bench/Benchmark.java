package com.scanforpay.gateway.bench;

import com.scanforpay.gateway.devstack.LocalKafkaBroker;
import com.scanforpay.gateway.devstack.LocalPostgres;
import com.scanforpay.gateway.sandbox.SandboxBarcodes;
import com.scanforpay.gateway.sandbox.SandboxCall;
import com.scanforpay.gateway.sandbox.SandboxOrder;
import com.scanforpay.gateway.sandbox.SandboxSettings;
import com.scanforpay.gateway.sandbox.ScanForPaySandbox;
import com.scanforpay.gateway.testing.GatewayProcess;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The benchmark ({@code mvn -Pbench package}, options as {@code -Dbench.*} system properties, see
 * docs/operations.md §8): one real broker and one PostgreSQL for the whole invocation, a sandbox per provider latency; per
 * latency the packaged gateway and the {@link ReferenceConsumer} (both child JVMs, same heap) each get fresh
 * topics and a fresh consumer group, warm-up commands, a measured burst and a paced run; then the notify benchmark
 * and, with {@code -Dbench.instances=2}, two gateways on one consumer group. Every run is checked: one PAY SUCCESS
 * result per command and one pay call per order at the sandbox. The report goes to stdout and
 * {@code bench/results/<yyyy-MM-dd-HHmm>.md}.
 */
public final class Benchmark {

    static final String PARTNER_NO = "10001";
    static final String SIGN_KEY = "bench-sign-key-7f3a91c2";
    static final String STORE_NO = "100010000000002";
    static final int AMOUNT = 2100;

    /** The options, from {@code -Dbench.*}. */
    record Settings(List<Integer> latenciesMs, int commands, int warmup, int paced, Double rate, int partitions,
            int instances, boolean jfr, int notifies, int notifyConcurrency, int notifyPaced, int referenceInFlight,
            String referenceHttp, List<String> jvmOptions) {

        static Settings fromSystemProperties() {
            String rate = System.getProperty("bench.rate", "").trim();
            return new Settings(
                    Arrays.stream(System.getProperty("bench.latencies", "0,200").split(","))
                            .map(String::trim).filter(s -> !s.isEmpty()).map(Integer::valueOf).toList(),
                    intProperty("bench.commands", 10000), intProperty("bench.warmup", 5000),
                    intProperty("bench.paced", 5000), rate.isEmpty() ? null : Double.valueOf(rate),
                    intProperty("bench.partitions", 3), intProperty("bench.instances", 1),
                    Boolean.parseBoolean(System.getProperty("bench.jfr", "false")),
                    intProperty("bench.notifies", 5000), intProperty("bench.notify.concurrency", 64),
                    intProperty("bench.notify.paced", 3000), intProperty("bench.reference.inflight", 500),
                    System.getProperty("bench.reference.http", "1.1"),
                    Arrays.stream(System.getProperty("bench.jvm", "").trim().split("\\s+"))
                            .filter(option -> !option.isEmpty()).toList());
        }

        private static int intProperty(String name, int fallback) {
            String value = System.getProperty(name, "").trim();
            return value.isEmpty() ? fallback : Integer.parseInt(value);
        }
    }

    /** What one pay run (a gateway, two gateways, or the reference, at one provider latency) measured. */
    record PayFigures(String who, int latencyMs, Duration startUp, int measured, double burstRate,
            LatencyStats burstLatency, double cpuMsPerPay, double databaseCpuMsPerPay, double pacedRate,
            double pacedAchieved, LatencyStats pacedLatency, long peakRssKb, int ordersChecked, String load) {
    }

    record NotifyFigures(int count, int concurrency, double burstRate, LatencyStats burstLatency, double pacedRate,
            LatencyStats pacedLatency, int checked) {
    }

    private final Settings settings;
    private final Path home;
    private final long clockTicks = ProcStats.clockTicksPerSecond();
    private LocalKafkaBroker broker;
    private LocalPostgres postgres;
    private Admin admin;
    private KafkaProducer<String, String> producer;
    private int runNumber;

    private Benchmark(Settings settings, Path home) {
        this.settings = settings;
        this.home = home;
    }

    public static void main(String[] args) throws Exception {
        quietLogs();
        Settings settings = Settings.fromSystemProperties();
        LocalDateTime started = LocalDateTime.now();
        Path home = Path.of("target", "bench", started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmmss")))
                .toAbsolutePath();
        Files.createDirectories(home);
        Benchmark benchmark = new Benchmark(settings, home);
        String report;
        try {
            report = benchmark.run(started);
        } finally {
            benchmark.close();
        }
        System.out.println();
        System.out.println(report);
        Path results = Path.of("bench", "results", started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmm"))
                + ".md");
        Files.createDirectories(results.getParent());
        Files.writeString(results, report, StandardCharsets.UTF_8);
        System.out.println("Written to " + results.toAbsolutePath());
    }

    private String run(LocalDateTime started) throws Exception {
        Path jar = GatewayProcess.jar();
        String referenceClasspath = referenceClasspath();
        progress("data under " + home);
        broker = LocalKafkaBroker.start(home.resolve("kafka"), 0);
        postgres = LocalPostgres.start(home.resolve("postgres"), 0);
        Properties adminProps = new Properties();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        admin = Admin.create(adminProps);
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        producer = new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer());
        progress("broker " + broker.bootstrapServers() + ", PostgreSQL " + postgres.jdbcUrl());

        List<PayFigures[]> rows = new ArrayList<>();
        List<PayFigures> twoInstances = new ArrayList<>();
        NotifyFigures notify = null;
        for (int latency : settings.latenciesMs()) {
            try (ScanForPaySandbox sandbox = ScanForPaySandbox.start(SandboxSettings.defaults(PARTNER_NO, SIGN_KEY)
                    .withLatency(Duration.ofMillis(latency)).withNotifyRepeats(0))) {
                NotifyFigures[] notified = new NotifyFigures[1];
                boolean withNotify = notify == null && settings.notifies() > 0;
                PayFigures gateway = gatewayRun(jar, sandbox, latency, 1, true,
                        withNotify ? (gw, tail, topics) -> notified[0] = notifyRun(gw, tail, topics) : null);
                if (withNotify) {
                    notify = notified[0];
                }
                PayFigures reference = referenceRun(referenceClasspath, sandbox, latency, gateway.pacedRate());
                rows.add(new PayFigures[] {gateway, reference});
                if (settings.instances() >= 2) {
                    twoInstances.add(gatewayRun(jar, sandbox, latency, settings.instances(), false, null));
                }
            }
        }
        return report(started, rows, twoInstances, notify);
    }

    // ------------------------------------------------------------------------------------------------ runs

    interface AfterPay {
        void run(BenchProcess gateway, ResultTail tail, Topics topics);
    }

    /** Fresh topics and group, {@code instances} gateways; warm-up, burst, (paced), checks, (notify). */
    private PayFigures gatewayRun(Path jar, ScanForPaySandbox sandbox, int latency, int instances, boolean paced,
            AfterPay after) {
        String run = nextRun(instances == 1 ? "gw" : "gw" + instances + "x") + "-" + latency + "ms";
        Topics topics = freshTopics(run);
        sandbox.reset();
        List<BenchProcess> gateways = new ArrayList<>();
        try (ResultTail tail = new ResultTail(broker.bootstrapServers(), topics.results(), settings.partitions())) {
            Duration startUp = null;
            for (int i = 1; i <= instances; i++) {
                String name = instances == 1 ? run : run + "-" + i;
                progress(name + ": starting the gateway");
                int[] ports = GatewayProcess.freePorts(2); // main and management
                BenchProcess gateway = BenchProcess.gateway(name, jar, jvmOptions(name),
                        gatewayEnvironment(sandbox, topics), ports[0], ports[1], home.resolve(name + ".log"));
                gateways.add(gateway);
                Duration up = gateway.awaitHttpReady(Duration.ofSeconds(120));
                startUp = startUp == null ? up : startUp;
                progress(name + ": ready after " + up.toMillis() + " ms");
            }
            if (instances > 1) {
                awaitMembers(topics.group(), instances);
            }
            PayFigures figures = drive(instances == 1 ? "gateway" : instances + " gateways", run, latency, topics,
                    gateways, tail, sandbox, startUp, paced ? settings.rate() : null, paced);
            if (after != null) {
                after.run(gateways.get(0), tail, topics);
            }
            long rss = gateways.stream().mapToLong(BenchProcess::peakRssKb).max().orElse(0);
            return withRss(figures, rss);
        } finally {
            gateways.forEach(BenchProcess::close);
        }
    }

    private PayFigures referenceRun(String classpath, ScanForPaySandbox sandbox, int latency, double rate) {
        String run = nextRun("ref") + "-" + latency + "ms";
        Topics topics = freshTopics(run);
        sandbox.reset();
        progress(run + ": starting the reference consumer");
        try (ResultTail tail = new ResultTail(broker.bootstrapServers(), topics.results(), settings.partitions());
                BenchProcess reference = BenchProcess.java(run, classpath, jvmOptions(run),
                        ReferenceConsumer.class.getName(), List.of(broker.bootstrapServers(), topics.commands(),
                                topics.results(), topics.group(), sandbox.baseUrl(), PARTNER_NO, SIGN_KEY, STORE_NO,
                                String.valueOf(settings.referenceInFlight()), settings.referenceHttp()),
                        home.resolve(run + ".log"))) {
            Duration up = reference.awaitReadyLine(Duration.ofSeconds(60));
            progress(run + ": ready (partitions assigned) after " + up.toMillis() + " ms");
            PayFigures figures = drive("reference", run, latency, topics, List.of(reference), tail, sandbox, up,
                    rate, true);
            return withRss(figures, reference.peakRssKb());
        }
    }

    /** Warm-up, measured burst (CPU sampled around it), paced run, then the checks. */
    private PayFigures drive(String who, String run, int latency, Topics topics, List<BenchProcess> processes,
            ResultTail tail, ScanForPaySandbox sandbox, Duration startUp, Double pacedRateOrNull, boolean paced) {
        List<String> warmup = orders(run + "-w", settings.warmup());
        List<String> burst = orders(run + "-b", settings.commands());
        List<String> pacedOrders = paced ? orders(run + "-p", settings.paced()) : List.of();

        if (!warmup.isEmpty()) {
            progress(run + ": warm-up, " + warmup.size() + " commands");
            publishBurst(topics.commands(), warmup);
            tail.awaitSuccess(warmup, timeoutFor(warmup.size()));
        }
        long cpuBefore = processes.stream().mapToLong(BenchProcess::cpuTicks).sum();
        long databaseBefore = databaseCpuTicks();
        progress(run + ": burst, " + burst.size() + " commands");
        long[] published = publishBurst(topics.commands(), burst);
        tail.awaitSuccess(burst, timeoutFor(burst.size()));
        long cpuAfter = processes.stream().mapToLong(BenchProcess::cpuTicks).sum();
        long databaseAfter = databaseCpuTicks();
        String load = Machine.loadAverage();
        long[] burstLatencies = latencies(burst, published, tail);
        long lastConsumed = burst.stream().mapToLong(tail::successNanos).max().orElseThrow();
        double burstRate = LatencyStats.perSecond(burst.size(), published[0], lastConsumed);
        double cpuMsPerPay = (cpuAfter - cpuBefore) * 1000.0 / clockTicks / burst.size();
        double databaseCpuMsPerPay = (databaseAfter - databaseBefore) * 1000.0 / clockTicks / burst.size();
        progress(String.format(Locale.ROOT, "%s: %.0f pay/s, %.2f CPU ms/pay", run, burstRate, cpuMsPerPay));

        double rate = pacedRateOrNull != null ? pacedRateOrNull : burstRate / 2;
        double achieved = 0;
        LatencyStats pacedLatency = null;
        if (paced && !pacedOrders.isEmpty()) {
            progress(String.format(Locale.ROOT, "%s: paced, %d commands at %.0f/s", run, pacedOrders.size(), rate));
            long[] pacedPublished = publishPaced(topics.commands(), pacedOrders, rate);
            tail.awaitSuccess(pacedOrders, timeoutFor(pacedOrders.size()).plusSeconds((long) (pacedOrders.size()
                    / rate)));
            pacedLatency = LatencyStats.of(latencies(pacedOrders, pacedPublished, tail));
            achieved = pacedOrders.size() < 2 ? rate : LatencyStats.perSecond(pacedOrders.size() - 1,
                    pacedPublished[0], pacedPublished[pacedPublished.length - 1]);
        }

        List<String> all = new ArrayList<>(warmup);
        all.addAll(burst);
        all.addAll(pacedOrders);
        check(run, topics, tail, sandbox, all);
        return new PayFigures(who, latency, startUp, burst.size(), burstRate, LatencyStats.of(burstLatencies),
                cpuMsPerPay, databaseCpuMsPerPay, rate, achieved, pacedLatency, 0, all.size(), load);
    }

    /**
     * Every command of the run has exactly one result, a PAY SUCCESS, and the sandbox recorded exactly one pay call
     * and a paid order per order (and no other pay call): else the benchmark fails.
     */
    private void check(String run, Topics topics, ResultTail tail, ScanForPaySandbox sandbox, List<String> orders) {
        awaitCommitted(topics.group(), topics.commands());
        tail.awaitConsumed(endOffsets(topics.results()), Duration.ofSeconds(60));
        List<String> problems = new ArrayList<>();
        for (String order : orders) {
            List<ResultTail.Seen> seen = tail.results(order);
            if (seen.size() != 1 || !seen.get(0).type().equals("PAY") || !seen.get(0).outcome().equals("SUCCESS")) {
                problems.add(order + " results " + seen);
            }
        }
        Map<String, Long> payCalls = sandbox.calls(ScanForPaySandbox.PAY_PATH).stream()
                .collect(Collectors.groupingBy(call -> String.valueOf(call.partnerOrderNo()), Collectors.counting()));
        Map<String, SandboxOrder> recorded = sandbox.orders().stream()
                .collect(Collectors.toMap(SandboxOrder::partnerOrderNo, Function.identity()));
        for (String order : orders) {
            long calls = payCalls.getOrDefault(order, 0L);
            SandboxOrder paid = recorded.get(order);
            if (calls != 1 || paid == null || paid.status() != SandboxOrder.PAID) {
                problems.add(order + " pay calls " + calls + ", sandbox order " + paid);
            }
        }
        if (payCalls.size() != orders.size()) {
            problems.add("the sandbox got pay calls for " + payCalls.size() + " orders, expected " + orders.size());
        }
        if (tail.unreadable() > 0) {
            problems.add(tail.unreadable() + " unreadable results");
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(run + " FAILED its checks (" + problems.size() + " problems), e.g. "
                    + problems.subList(0, Math.min(10, problems.size())));
        }
        progress(run + ": checked " + orders.size() + " orders: one PAY SUCCESS each, one pay call each");
    }

    // ------------------------------------------------------------------------------------------------ notify

    /** Notifies of orders the ledger does not know: each is verified, claimed in the key store and published. */
    private NotifyFigures notifyRun(BenchProcess gateway, ResultTail tail, Topics topics) {
        String run = nextRun("notify");
        NotifyLoad load = new NotifyLoad(gateway.baseUrl(), PARTNER_NO, SIGN_KEY, AMOUNT);
        List<String> warmup = orders(run + "-w", Math.min(1000, Math.max(100, settings.notifies() / 3)));
        List<String> burst = orders(run + "-b", settings.notifies());
        List<String> paced = orders(run + "-p", settings.notifyPaced());
        progress(run + ": warm-up, " + warmup.size() + " notifies");
        load.burst(warmup, settings.notifyConcurrency());
        progress(run + ": burst, " + burst.size() + " notifies, " + settings.notifyConcurrency() + " in flight");
        NotifyLoad.Outcome b = load.burst(burst, settings.notifyConcurrency());
        double rate = b.rate() / 2;
        progress(String.format(Locale.ROOT, "%s: %.0f notifies/s; paced, %d at %.0f/s", run, b.rate(), paced.size(),
                rate));
        NotifyLoad.Outcome p = load.paced(paced, rate);
        List<String> all = new ArrayList<>(warmup);
        all.addAll(burst);
        all.addAll(paced);
        tail.awaitSuccess(all, timeoutFor(all.size()));
        // each notify was answered after its result's acknowledgement: everything published is on the topic now
        tail.awaitConsumed(endOffsets(topics.results()), Duration.ofSeconds(60));
        List<String> problems = new ArrayList<>();
        for (String order : all) {
            List<ResultTail.Seen> seen = tail.results(order);
            if (seen.size() != 1 || !seen.get(0).equals(new ResultTail.Seen("PAY", "SUCCESS", "NOTIFY"))) {
                problems.add(order + " " + seen);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(run + " FAILED: " + problems.size() + " notifies without exactly one "
                    + "result, e.g. " + problems.subList(0, Math.min(10, problems.size())));
        }
        progress(run + ": checked " + all.size() + " notifies: each answered success, one result each");
        return new NotifyFigures(burst.size(), settings.notifyConcurrency(), b.rate(), b.latency(), rate, p.latency(),
                all.size());
    }

    // ------------------------------------------------------------------------------------------------ Kafka

    record Topics(String commands, String results, String dlq, String group) {
    }

    private Topics freshTopics(String run) {
        String prefix = "bench." + run;
        Topics topics = new Topics(prefix + ".commands", prefix + ".results", prefix + ".dlq", "bench-" + run);
        for (String topic : List.of(topics.commands(), topics.results(), topics.dlq())) {
            broker.createTopic(topic, settings.partitions());
        }
        return topics;
    }

    private long[] publishBurst(String topic, List<String> orders) {
        long[] published = new long[orders.size()];
        for (int i = 0; i < orders.size(); i++) {
            String order = orders.get(i);
            published[i] = System.nanoTime();
            producer.send(new ProducerRecord<>(topic, order, command(order)));
        }
        producer.flush();
        return published;
    }

    /** Waits for slot {@code i} of a fixed schedule: {@code start} + i × {@code interval} (nanoTime). */
    static void awaitSlot(long start, long interval, int i) {
        long due = start + i * interval;
        long now;
        while ((now = System.nanoTime()) < due) {
            LockSupport.parkNanos(due - now);
        }
    }

    /** One command every 1/rate s on a fixed schedule; the time noted is when it was actually handed over. */
    private long[] publishPaced(String topic, List<String> orders, double rate) {
        long[] published = new long[orders.size()];
        long interval = (long) (1_000_000_000L / rate);
        long start = System.nanoTime();
        for (int i = 0; i < orders.size(); i++) {
            awaitSlot(start, interval, i);
            String order = orders.get(i);
            published[i] = System.nanoTime();
            producer.send(new ProducerRecord<>(topic, order, command(order)));
        }
        producer.flush();
        return published;
    }

    private static String command(String order) {
        return "{\"partnerOrderNo\":\"" + order + "\",\"barcode\":\"" + SandboxBarcodes.PAID + "\",\"orderAmount\":"
                + AMOUNT + ",\"orderTitle\":\"Coffee\"}";
    }

    private void awaitCommitted(String group, String topic) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                Map<TopicPartition, Long> ends = endOffsetsByPartition(topic);
                boolean all = ends.entrySet().stream().allMatch(end -> end.getValue() == 0
                        || (committed.get(end.getKey()) != null
                                && committed.get(end.getKey()).offset() >= end.getValue()));
                if (all) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("group " + group + " has not committed " + topic + ": "
                            + committed + " of " + ends);
                }
            } catch (Exception e) {
                if (e instanceof IllegalStateException ise) {
                    throw ise;
                }
                throw new IllegalStateException("cannot read the offsets of " + group, e);
            }
            BenchProcess.sleep(100);
        }
    }

    private long endOffsets(String topic) {
        return endOffsetsByPartition(topic).values().stream().mapToLong(Long::longValue).sum();
    }

    private Map<TopicPartition, Long> endOffsetsByPartition(String topic) {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        IntStream.range(0, settings.partitions()).forEach(p -> request.put(new TopicPartition(topic, p),
                OffsetSpec.latest()));
        try {
            return admin.listOffsets(request).all().get(10, TimeUnit.SECONDS).entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the end offsets of " + topic, e);
        }
    }

    /** Waits until {@code members} consumers of the group share every partition (no rebalance while measuring). */
    private void awaitMembers(String group, int members) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            try {
                ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all()
                        .get(10, TimeUnit.SECONDS).get(group);
                List<MemberDescription> assigned = description.members().stream()
                        .filter(m -> !m.assignment().topicPartitions().isEmpty()).toList();
                int partitions = assigned.stream().mapToInt(m -> m.assignment().topicPartitions().size()).sum();
                if (assigned.size() >= members && partitions == settings.partitions()) {
                    progress(group + ": " + assigned.size() + " members share " + partitions + " partitions");
                    return;
                }
            } catch (Exception e) {
                // not there yet
            }
            BenchProcess.sleep(200);
        }
        throw new IllegalStateException("group " + group + " never had " + members + " members with partitions");
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private Map<String, String> gatewayEnvironment(ScanForPaySandbox sandbox, Topics topics) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        env.put("SCANFORPAY_BASE_URL", sandbox.baseUrl());
        env.put("SCANFORPAY_ALLOW_SANDBOX", "true");
        env.put("SCANFORPAY_PARTNER_NO", PARTNER_NO);
        env.put("SCANFORPAY_SIGN_KEY", SIGN_KEY);
        env.put("SCANFORPAY_STORE_NO", STORE_NO);
        // no SCANFORPAY_NOTIFY_URL: the reference consumer has no notify endpoint either
        env.put("SCANFORPAY_TOPIC_COMMANDS", topics.commands());
        env.put("SCANFORPAY_TOPIC_RESULTS", topics.results());
        env.put("SCANFORPAY_TOPIC_DLQ", topics.dlq());
        env.put("SCANFORPAY_CONSUMER_GROUP_ID", topics.group());
        env.put("QUARKUS_DATASOURCE_JDBC_URL", postgres.jdbcUrl());
        env.put("QUARKUS_DATASOURCE_USERNAME", postgres.username());
        env.put("QUARKUS_DATASOURCE_PASSWORD", postgres.password());
        return env;
    }

    /** The same for the gateway and the reference: GatewayProcess's heap, any extra options, and JFR on request. */
    private List<String> jvmOptions(String run) {
        List<String> options = new ArrayList<>(List.of("-Xmx256m"));
        options.addAll(settings.jvmOptions());
        if (settings.jfr()) {
            options.add("-XX:StartFlightRecording=settings=profile,filename=" + home.resolve(run + ".jfr"));
        }
        return options;
    }

    /** No Camel, no Quarkus: the broker's classpath file (kafka-clients, Jackson) plus our own classes. */
    private static String referenceClasspath() throws IOException {
        Path file = Path.of("target", "kafka-broker.classpath").toAbsolutePath();
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + " is missing: run `mvn -Pbench package` (it is written by the "
                    + "build at generate-test-resources)");
        }
        return String.join(File.pathSeparator, Path.of("target", "test-classes").toAbsolutePath().toString(),
                Path.of("target", "classes").toAbsolutePath().toString(),
                Files.readString(file, StandardCharsets.UTF_8).trim());
    }

    /** PostgreSQL's CPU so far (postmaster and backends), in clock ticks. */
    private long databaseCpuTicks() {
        try {
            long pid = Long.parseLong(Files.readAllLines(postgres.dataDir().resolve("postmaster.pid")).get(0).trim());
            return ProcStats.treeCpuTicks(pid);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read PostgreSQL's pid", e);
        }
    }

    private static long[] latencies(List<String> orders, long[] published, ResultTail tail) {
        long[] latencies = new long[orders.size()];
        for (int i = 0; i < orders.size(); i++) {
            latencies[i] = tail.successNanos(orders.get(i)) - published[i];
        }
        return latencies;
    }

    private static List<String> orders(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + "-" + i).toList();
    }

    private static Duration timeoutFor(int commands) {
        return Duration.ofSeconds(60 + commands / 20);
    }

    private String nextRun(String kind) {
        return "r" + (++runNumber) + "-" + kind;
    }

    private static PayFigures withRss(PayFigures f, long rssKb) {
        return new PayFigures(f.who(), f.latencyMs(), f.startUp(), f.measured(), f.burstRate(), f.burstLatency(),
                f.cpuMsPerPay(), f.databaseCpuMsPerPay(), f.pacedRate(), f.pacedAchieved(), f.pacedLatency(), rssKb,
                f.ordersChecked(), f.load());
    }

    private static void progress(String message) {
        System.out.println("[bench " + java.time.LocalTime.now().withNano(0) + "] " + message);
        System.out.flush();
    }

    private static void quietLogs() {
        for (String category : List.of("org.apache.kafka", "io.zonky", "io.vertx",
                "com.scanforpay.gateway.sandbox")) {
            org.jboss.logmanager.LogContext.getLogContext().getLogger(category)
                    .setLevel(java.util.logging.Level.WARNING);
            QUIET.add(org.jboss.logmanager.LogContext.getLogContext().getLogger(category));
        }
    }

    /** Strong references: the log manager keeps loggers weakly. */
    private static final List<java.util.logging.Logger> QUIET = new ArrayList<>();

    private void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (postgres != null) {
            postgres.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    // ------------------------------------------------------------------------------------------------ report

    private String report(LocalDateTime started, List<PayFigures[]> rows, List<PayFigures> twoInstances,
            NotifyFigures notify) {
        StringBuilder out = new StringBuilder();
        out.append("# Benchmark ").append(started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")))
                .append("\n\n");
        out.append("Machine: ").append(Machine.describe()).append("  \n");
        out.append("Build: ").append(Machine.gitRevision()).append(", `mvn -Pbench package`")
                .append(settings.jfr() ? " with JFR" : "").append("\n\n");
        out.append("Parameters: provider latencies ").append(settings.latenciesMs()).append(" ms, ")
                .append(settings.warmup()).append(" warm-up + ").append(settings.commands())
                .append(" measured commands (burst), ").append(settings.paced()).append(" paced at ")
                .append(settings.rate() == null ? "half the gateway's burst rate" : settings.rate() + "/s")
                .append(", ").append(settings.partitions()).append(" partitions, fresh topics and consumer group per "
                        + "run; gateway and reference as child JVMs with -Xmx256m")
                .append(settings.jvmOptions().isEmpty() ? "" : " " + String.join(" ", settings.jvmOptions()))
                .append("; reference: ")
                .append(settings.referenceInFlight()).append(" records in flight, HTTP/")
                .append(settings.referenceHttp()).append(". Both run without a notify URL (the reference has no notify "
                        + "endpoint), so both do the same work per payment: one signed pay call, its answer verified, "
                        + "one result published with acks=all, offsets committed after the acknowledgement. The "
                        + "gateway also writes its ledger and key store in PostgreSQL.\n\n");
        out.append("How it is measured: pay/s = measured commands / (last result consumed − first command "
                + "published), after the warm-up's results have all arrived; latency = result consumed by the "
                + "benchmark's consumer − command handed to its producer (burst latencies include the queue of the "
                + "whole burst; the paced run shows latency under a steady load, on a fixed schedule); CPU ms/pay = "
                + "the process's utime+stime from /proc over the measured burst (every thread: JIT compiler and GC "
                + "included) / commands; PostgreSQL's (postmaster and backends) over the same interval is shown "
                + "apart; peak RSS = VmHWM at the end of the run. The broker, PostgreSQL, the sandbox and the "
                + "benchmark's own producer and consumer share the same cores.\n\n");

        out.append("## Pay: burst\n\n");
        out.append("| provider latency | gateway pay/s | reference pay/s | ratio gateway/reference | "
                + "gateway CPU ms/pay | reference CPU ms/pay | PostgreSQL CPU ms/pay (gateway run) | "
                + "gateway p50/p99/max | reference p50/p99/max |\n");
        out.append("|---|---|---|---|---|---|---|---|---|\n");
        for (PayFigures[] row : rows) {
            PayFigures g = row[0];
            PayFigures r = row[1];
            out.append(String.format(Locale.ROOT, "| %d ms | %.0f | %.0f | %.2f | %.2f | %.2f | %.2f | %s | %s |\n",
                    g.latencyMs(), g.burstRate(), r.burstRate(), g.burstRate() / r.burstRate(), g.cpuMsPerPay(),
                    r.cpuMsPerPay(), g.databaseCpuMsPerPay(), g.burstLatency().millis(), r.burstLatency().millis()));
        }
        out.append("\nLoad average (1 min, all processes of the machine) at the end of each burst: ");
        out.append(rows.stream().map(r -> r[0].latencyMs() + " ms: gateway " + r[0].load() + ", reference "
                + r[1].load()).collect(Collectors.joining("; "))).append(" (on ")
                .append(Runtime.getRuntime().availableProcessors()).append(" CPUs).\n");
        out.append("\n## Pay: paced (end-to-end latency, command published → result consumed)\n\n");
        out.append("| provider latency | paced rate (achieved) | gateway p50/p99/max | reference p50/p99/max |\n");
        out.append("|---|---|---|---|\n");
        for (PayFigures[] row : rows) {
            PayFigures g = row[0];
            PayFigures r = row[1];
            out.append(String.format(Locale.ROOT, "| %d ms | %.0f/s (%.0f/s) | %s | %s |\n", g.latencyMs(),
                    g.pacedRate(), g.pacedAchieved(), g.pacedLatency() == null ? "-" : g.pacedLatency().millis(),
                    r.pacedLatency() == null ? "-" : r.pacedLatency().millis()));
        }
        out.append("\n## Start-up and memory\n\n");
        out.append("| provider latency | gateway start-up to ready | gateway peak RSS | reference start-up "
                + "(to partitions assigned) | reference peak RSS |\n");
        out.append("|---|---|---|---|---|\n");
        for (PayFigures[] row : rows) {
            PayFigures g = row[0];
            PayFigures r = row[1];
            out.append(String.format(Locale.ROOT, "| %d ms | %.2f s | %d MB | %.2f s | %d MB |\n", g.latencyMs(),
                    g.startUp().toMillis() / 1000.0, g.peakRssKb() / 1024, r.startUp().toMillis() / 1000.0,
                    r.peakRssKb() / 1024));
        }
        if (notify != null) {
            out.append("\n## Notify callbacks\n\n");
            out.append("Signed notifies of orders the ledger does not know, POSTed to `/scanforpay/notify` (each: "
                    + "signature verified, ledger looked up, key claimed in PostgreSQL, result published to Kafka "
                    + "and acknowledged, key confirmed, `success`); latency = HTTP round trip.\n\n");
            out.append("| notifies | in flight | notifies/s (burst) | burst p50/p99/max | paced rate | "
                    + "paced p50/p99/max |\n");
            out.append("|---|---|---|---|---|---|\n");
            out.append(String.format(Locale.ROOT, "| %d | %d | %.0f | %s | %.0f/s | %s |\n", notify.count(),
                    notify.concurrency(), notify.burstRate(), notify.burstLatency().millis(), notify.pacedRate(),
                    notify.pacedLatency().millis()));
        }
        if (!twoInstances.isEmpty()) {
            out.append("\n## Two gateway instances, one consumer group\n\n");
            out.append("| provider latency | combined pay/s | one instance pay/s | CPU ms/pay (both) | "
                    + "PostgreSQL CPU ms/pay | p50/p99/max | no payment paid twice |\n");
            out.append("|---|---|---|---|---|---|---|\n");
            for (PayFigures two : twoInstances) {
                double single = rows.stream().filter(r -> r[0].latencyMs() == two.latencyMs())
                        .mapToDouble(r -> r[0].burstRate()).findFirst().orElse(Double.NaN);
                out.append(String.format(Locale.ROOT, "| %d ms | %.0f | %.0f | %.2f | %.2f | %s | yes (%d orders) |\n",
                        two.latencyMs(), two.burstRate(), single, two.cpuMsPerPay(), two.databaseCpuMsPerPay(),
                        two.burstLatency().millis(),
                        two.ordersChecked()));
            }
        }
        int checked = rows.stream().mapToInt(r -> r[0].ordersChecked() + r[1].ordersChecked()).sum()
                + twoInstances.stream().mapToInt(PayFigures::ordersChecked).sum();
        out.append("\nEvery command got exactly one PAY SUCCESS result and the sandbox recorded exactly one pay call "
                + "per order (").append(checked).append(" orders checked): no payment paid twice: yes\n");
        return out.toString();
    }
}
