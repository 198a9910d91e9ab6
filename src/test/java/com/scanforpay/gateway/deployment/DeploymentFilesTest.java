package com.scanforpay.gateway.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.scanforpay.gateway.api.ApiConfig;
import com.scanforpay.gateway.config.DatabaseConnection;
import com.scanforpay.gateway.config.KafkaConnection;
import com.scanforpay.gateway.config.ScanForPayConfig;
import com.scanforpay.gateway.idempotency.IdempotencyConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;
import java.io.IOException;
import java.io.StringReader;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks {@code docker-compose.yml}, {@code src/main/docker/Dockerfile.jvm} and {@code .dockerignore} without a Docker
 * engine (none runs on the build machines): the files parse, images are pinned, the services are wired to each other
 * consistently (hosts, ports, credentials, keys), and every environment variable given to the gateway is a setting
 * the application reads (derived by reflection from its {@code @ConfigMapping} interfaces).
 */
class DeploymentFilesTest {

    private static final Path ROOT = Path.of(System.getProperty("user.dir"));
    private static final Path COMPOSE = ROOT.resolve("docker-compose.yml");
    private static final Path DOCKERFILE = ROOT.resolve("src/main/docker/Dockerfile.jvm");
    private static final Path DOCKERIGNORE = ROOT.resolve(".dockerignore");
    private static final Path APPLICATION_PROPERTIES = ROOT.resolve("src/main/resources/application.properties");

    /** The settings the gateway reads through its {@code @ConfigMapping} interfaces. */
    private static final List<Class<?>> CONFIG_MAPPINGS = List.of(ScanForPayConfig.class, IdempotencyConfig.class,
            KafkaConnection.class, DatabaseConnection.class, ApiConfig.class);

    /**
     * Quarkus (and upcoming) properties the application relies on besides its own mappings: the HTTP port, the
     * database credentials (Agroal reads them), JSON console logs (quarkus-logging-json), and
     * {@code scanforpay.allow-sandbox} (lets prod start with an http:// provider URL and a sandbox key).
     */
    private static final Set<String> ALLOWED_EXTRA_PROPERTIES = Set.of("quarkus.http.port",
            "quarkus.management.port", "quarkus.datasource.username", "quarkus.datasource.password",
            "quarkus.log.console.json.enabled", "scanforpay.allow-sandbox");

    private static final int QUARKUS_DEFAULT_HTTP_PORT = 8080;
    private static final int QUARKUS_DEFAULT_MANAGEMENT_PORT = 9000;
    /** {@code NAME_FILE=/path}: the setting {@code NAME} from the file's content (secrets). */
    private static final String FILE_SUFFIX = "_FILE";
    /** Where Compose mounts a service's secret {@code <name>} (short syntax). */
    private static final String SECRETS_DIR = "/run/secrets/";
    /** The image's working directory (ubi9 openjdk runtime: run-java.sh changes to JAVA_APP_DIR, /deployments). */
    private static final String GATEWAY_WORKING_DIR = "/deployments";
    private static final int POSTGRES_DEFAULT_PORT = 5432;

    private static JsonNode compose;
    private static JsonNode services;
    private static Dockerfile dockerfile;

    @BeforeAll
    static void readFiles() throws IOException {
        assertTrue(Files.isRegularFile(COMPOSE), COMPOSE + " is missing");
        assertTrue(Files.isRegularFile(DOCKERFILE), DOCKERFILE + " is missing");
        try {
            compose = new ObjectMapper(new YAMLFactory()).readTree(COMPOSE.toFile());
        } catch (IOException e) {
            fail("docker-compose.yml is not valid YAML: " + e.getMessage());
        }
        assertNotNull(compose, "docker-compose.yml is empty");
        services = compose.path("services");
        assertTrue(services.isObject(), "docker-compose.yml has no `services` mapping");
        dockerfile = Dockerfile.parse(Files.readString(DOCKERFILE));
    }

    // ------------------------------------------------------------------------------------------ compose: structure

    @Test
    void composeHasTheServicesAndPinnedImages() {
        for (String name : List.of("kafka", "kafka-init", "postgres", "sandbox", "gateway")) {
            assertTrue(services.has(name), "docker-compose.yml has no service `" + name + "`");
        }
        services.fields().forEachRemaining(entry -> {
            String name = entry.getKey();
            JsonNode service = entry.getValue();
            boolean hasImage = service.hasNonNull("image");
            boolean hasBuild = service.hasNonNull("build");
            assertTrue(hasImage || hasBuild, "service `" + name + "` has neither `image` nor `build`");
            if (hasImage) {
                String image = service.get("image").asText();
                assertTrue(isPinned(image), "service `" + name + "`: image `" + image
                        + "` is not pinned (give a version tag other than `latest`, or a digest)");
            }
        });
        assertEquals(text(service("kafka"), "image"), text(service("kafka-init"), "image"),
                "kafka-init must use the same image as kafka (its kafka-topics.sh talks to that broker)");
        assertTrue(text(service("kafka"), "image").endsWith(":" + org.apache.kafka.common.utils.AppInfoParser
                .getVersion()), "kafka's image should be the project's Kafka client version "
                        + org.apache.kafka.common.utils.AppInfoParser.getVersion() + ", is "
                        + text(service("kafka"), "image"));
    }

    @Test
    void builtServicesUseTheDockerfileStages() {
        for (String name : List.of("sandbox", "gateway")) {
            JsonNode build = service(name).path("build");
            assertTrue(build.isObject(), "service `" + name + "` must be built (a `build:` mapping with a target)");
            String context = build.path("context").asText(".");
            Path dockerfilePath = ROOT.resolve(context).resolve(build.path("dockerfile").asText("Dockerfile"))
                    .normalize();
            assertEquals(DOCKERFILE.normalize(), dockerfilePath,
                    "service `" + name + "` must build from " + ROOT.relativize(DOCKERFILE));
            assertEquals(ROOT.normalize(), ROOT.resolve(context).normalize(),
                    "service `" + name + "` must build with the project root as context (the build stage needs "
                            + "pom.xml and src/)");
            assertEquals(name, build.path("target").asText(null),
                    "service `" + name + "` must select the Dockerfile stage `" + name + "` with `target:`");
        }
    }

    @Test
    void everyLongRunningServiceHasAHealthcheck() {
        services.fields().forEachRemaining(entry -> {
            if (!entry.getKey().equals("kafka-init")) {
                JsonNode test = entry.getValue().path("healthcheck").path("test");
                assertFalse(test.isMissingNode() || test.isNull() || test.isEmpty() && !test.isTextual(),
                        "service `" + entry.getKey() + "` has no healthcheck test");
            }
        });
        assertTrue(healthcheck("kafka").contains("kafka-broker-api-versions.sh"),
                "kafka's healthcheck should use the image's kafka-broker-api-versions.sh, is: " + healthcheck("kafka"));
        assertTrue(healthcheck("postgres").contains("pg_isready"),
                "postgres' healthcheck should use pg_isready, is: " + healthcheck("postgres"));
        assertTrue(service("gateway").hasNonNull("restart"), "gateway has no restart policy");
    }

    @Test
    void gatewayStartsAfterItsDependencies() {
        JsonNode dependsOn = service("gateway").path("depends_on");
        assertTrue(dependsOn.isObject(), "gateway's depends_on must be a mapping with conditions");
        Map<String, String> expected = Map.of("kafka", "service_healthy", "postgres", "service_healthy", "sandbox",
                "service_healthy", "kafka-init", "service_completed_successfully");
        expected.forEach((dependency, condition) -> assertEquals(condition,
                dependsOn.path(dependency).path("condition").asText(null),
                "gateway must depend on `" + dependency + "` with condition " + condition));
        assertEquals("service_healthy", service("kafka-init").path("depends_on").path("kafka").path("condition")
                .asText(null), "kafka-init must wait until kafka is healthy");
    }

    @Test
    void kafkaAndPostgresKeepTheirDataInNamedVolumes() {
        JsonNode declared = compose.path("volumes");
        assertTrue(declared.isObject(), "docker-compose.yml declares no top-level `volumes`");
        Map<String, String> dataDirs = Map.of("kafka", env("kafka").getOrDefault("KAFKA_LOG_DIRS", ""), "postgres",
                env("postgres").getOrDefault("PGDATA", "/var/lib/postgresql/data"));
        dataDirs.forEach((name, dataDir) -> {
            assertFalse(dataDir.isEmpty(), "kafka must set KAFKA_LOG_DIRS (the image's default is under /tmp)");
            Map<String, String> mounts = namedVolumeMounts(name);
            assertFalse(mounts.isEmpty(), "service `" + name + "` mounts no named volume");
            mounts.forEach((volume, target) -> assertTrue(declared.has(volume),
                    "service `" + name + "` mounts volume `" + volume + "`, not declared under top-level volumes"));
            assertTrue(mounts.containsValue(dataDir), "service `" + name + "` must mount a named volume on its "
                    + "data directory " + dataDir + "; mounts: " + mounts);
        });
    }

    @Test
    void kafkaInitCreatesTheGatewaysTopics() throws Exception {
        String script = commandText(service("kafka-init"));
        for (String topic : defaultTopics()) {
            assertTrue(Pattern.compile("--topic\\s+" + Pattern.quote(topic) + "(\\s|$)").matcher(script).find(),
                    "kafka-init does not create topic " + topic + ": " + script);
        }
        assertEquals(defaultTopics().size(), count(script, "--create"), "kafka-init: one --create per topic");
        assertEquals(defaultTopics().size(), count(script, "--if-not-exists"),
                "kafka-init must create every topic with --if-not-exists (it runs at every `up`)");
        assertEquals(defaultTopics().size(), count(script, "--partitions 3"),
                "kafka-init must create every topic with 3 partitions");
        String bootstrap = env("gateway").get("KAFKA_BOOTSTRAP_SERVERS");
        assertTrue(script.contains("--bootstrap-server " + bootstrap),
                "kafka-init must reach the broker where the gateway does (" + bootstrap + "): " + script);
        assertFalse(service("kafka-init").hasNonNull("healthcheck"), "kafka-init is one-shot: no healthcheck");
    }

    // -------------------------------------------------------------------------------- compose: the gateway's env

    @Test
    void everyGatewayVariableIsASettingTheApplicationReads() {
        Map<String, String> known = knownEnvironmentVariables();
        List<String> unknown = env("gateway").keySet().stream().map(DeploymentFilesTest::settingName)
                .filter(name -> !isKnown(name, known)).toList();
        assertTrue(unknown.isEmpty(), "gateway environment variable(s) " + unknown
                + " match no setting the application reads; known: " + new TreeSet<>(known.keySet()));
    }

    @Test
    void gatewayGetsEveryRequiredSetting() {
        Set<String> given = env("gateway").keySet().stream().map(DeploymentFilesTest::settingName)
                .collect(Collectors.toSet());
        for (String property : requiredProperties()) {
            assertTrue(given.contains(envName(property)), "gateway is missing " + envName(property)
                    + " (or " + envName(property) + FILE_SUFFIX + "; property " + property + " has no default)");
        }
        assertTrue(given.contains("QUARKUS_DATASOURCE_USERNAME") && given.contains("QUARKUS_DATASOURCE_PASSWORD"),
                "gateway needs QUARKUS_DATASOURCE_USERNAME and QUARKUS_DATASOURCE_PASSWORD(_FILE)");
        assertEquals("true", env("gateway").get("QUARKUS_LOG_CONSOLE_JSON_ENABLED"),
                "gateway should log JSON in the container (QUARKUS_LOG_CONSOLE_JSON_ENABLED=true)");
    }

    @Test
    void jsonLogsAreOffOutsideContainers() throws IOException {
        Properties properties = new Properties();
        properties.load(new StringReader(Files.readString(APPLICATION_PROPERTIES)));
        assertEquals("false", properties.getProperty("quarkus.log.console.json.enabled"),
                "application.properties must keep quarkus.log.console.json.enabled=false (local runs keep the "
                        + "console format; the compose file turns JSON on)");
    }

    // --------------------------------------------------------------------- compose: hosts, ports and credentials

    @Test
    void gatewayPortMappingAndHealthcheckAgree() {
        int httpPort = gatewayHttpPort();
        assertTrue(containerPorts("gateway").contains(httpPort), "gateway listens on " + httpPort
                + " but its `ports` publish container port(s) " + containerPorts("gateway"));
        // health and metrics are on the management interface, not on the port tills and ScanForPay reach
        int managementPort = gatewayManagementPort();
        HttpProbe probe = HttpProbe.parse(healthcheck("gateway"));
        assertEquals(managementPort, probe.port(), "gateway's healthcheck probes port " + probe.port()
                + ", the gateway's management interface listens on " + managementPort + ": " + healthcheck("gateway"));
        assertEquals("/q/health/ready", probe.path(), "gateway's healthcheck should probe /q/health/ready");
        assertEquals(Map.of(httpPort, "127.0.0.1", managementPort, "127.0.0.1"), publishedPorts("gateway"),
                "gateway publishes " + httpPort + " (tills, notify callbacks) and its management port "
                        + managementPort + ", both on 127.0.0.1 only (the demo API key is public)");
        assertTrue(dockerfile.stage("gateway").exposes(httpPort),
                "the gateway stage of the Dockerfile should EXPOSE " + httpPort);
    }

    @Test
    void gatewayReachesTheSandbox() {
        URI baseUrl = URI.create(env("gateway").get("SCANFORPAY_BASE_URL"));
        assertEquals("sandbox", baseUrl.getHost(), "SCANFORPAY_BASE_URL must name the sandbox service: " + baseUrl);
        int sandboxPort = sandboxListenPort();
        assertEquals(sandboxPort, baseUrl.getPort(), "SCANFORPAY_BASE_URL's port " + baseUrl.getPort()
                + " is not the sandbox's " + sandboxPort);
        assertTrue(containerPorts("sandbox").contains(sandboxPort), "sandbox listens on " + sandboxPort
                + " but its `ports` publish " + containerPorts("sandbox"));
        assertTrue(healthcheck("sandbox").contains("/dev/tcp/127.0.0.1/" + sandboxPort)
                        || healthcheck("sandbox").contains(":" + sandboxPort),
                "sandbox's healthcheck should probe port " + sandboxPort + ": " + healthcheck("sandbox"));
        assertTrue(dockerfile.stage("sandbox").exposes(sandboxPort),
                "the sandbox stage of the Dockerfile should EXPOSE " + sandboxPort);
    }

    @Test
    void gatewayAndSandboxShareTheKeyAndPartner() {
        Map<String, String> gateway = env("gateway");
        Map<String, String> sandbox = env("sandbox");
        assertEquals(sandbox.get("SANDBOX_SIGN_KEY"), setting("gateway", "SCANFORPAY_SIGN_KEY"),
                "gateway's SCANFORPAY_SIGN_KEY differs from the sandbox's SANDBOX_SIGN_KEY: every signature would fail");
        assertEquals(sandbox.get("SANDBOX_PARTNER_NO"), gateway.get("SCANFORPAY_PARTNER_NO"),
                "gateway's SCANFORPAY_PARTNER_NO differs from the sandbox's SANDBOX_PARTNER_NO");
        assertNotNull(setting("gateway", "SCANFORPAY_SIGN_KEY"), "gateway has no SCANFORPAY_SIGN_KEY");
    }

    @Test
    void gatewayReachesKafkaWhereItAdvertisesItself() {
        Map<String, String> kafka = env("kafka");
        Map<String, String> advertised = listeners(kafka.get("KAFKA_ADVERTISED_LISTENERS"));
        String plaintext = advertised.get("PLAINTEXT");
        assertNotNull(plaintext, "kafka advertises no PLAINTEXT listener: " + kafka.get("KAFKA_ADVERTISED_LISTENERS"));
        assertEquals(plaintext, env("gateway").get("KAFKA_BOOTSTRAP_SERVERS"),
                "KAFKA_BOOTSTRAP_SERVERS must be kafka's advertised PLAINTEXT listener");
        assertEquals("kafka", plaintext.substring(0, plaintext.lastIndexOf(':')),
                "kafka's PLAINTEXT listener must advertise the service name `kafka`: " + plaintext);
        String port = plaintext.substring(plaintext.lastIndexOf(':') + 1);
        Map<String, String> bound = listeners(kafka.get("KAFKA_LISTENERS"));
        assertNotNull(bound.get("PLAINTEXT"), "kafka's KAFKA_LISTENERS has no PLAINTEXT listener");
        assertTrue(bound.get("PLAINTEXT").endsWith(":" + port),
                "kafka binds PLAINTEXT on " + bound.get("PLAINTEXT") + " but advertises port " + port);
        assertTrue(healthcheck("kafka").contains("localhost:" + port),
                "kafka's healthcheck should use its PLAINTEXT port " + port + ": " + healthcheck("kafka"));
        // KRaft, one node that is broker and controller
        assertTrue(kafka.getOrDefault("KAFKA_PROCESS_ROLES", "").replace(" ", "").matches(
                "broker,controller|controller,broker"), "kafka must run as broker and controller (KRaft, one node)");
        String controllerName = kafka.get("KAFKA_CONTROLLER_LISTENER_NAMES");
        assertNotNull(bound.get(controllerName), "KAFKA_LISTENERS has no " + controllerName + " listener");
        String controllerPort = bound.get(controllerName).substring(bound.get(controllerName).lastIndexOf(':') + 1);
        assertEquals(kafka.get("KAFKA_NODE_ID") + "@kafka:" + controllerPort,
                kafka.get("KAFKA_CONTROLLER_QUORUM_VOTERS"), "KAFKA_CONTROLLER_QUORUM_VOTERS must name this node");
        for (String listener : bound.keySet()) {
            assertTrue(kafka.getOrDefault("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "").contains(listener + ":"),
                    "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP has no protocol for listener " + listener);
        }
        for (String factor : List.of("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR",
                "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR")) {
            assertEquals("1", kafka.get(factor), factor + " must be 1 on a single broker");
        }
        assertTrue(kafka.containsKey("CLUSTER_ID"), "kafka needs a CLUSTER_ID to format its storage in KRaft mode");
    }

    @Test
    void gatewayReachesPostgresWithItsCredentials() {
        Map<String, String> gateway = env("gateway");
        Map<String, String> postgres = env("postgres");
        String jdbcUrl = gateway.get("QUARKUS_DATASOURCE_JDBC_URL");
        assertNotNull(jdbcUrl, "gateway has no QUARKUS_DATASOURCE_JDBC_URL");
        assertTrue(jdbcUrl.startsWith("jdbc:postgresql://"), "not a PostgreSQL JDBC URL: " + jdbcUrl);
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        assertEquals("postgres", uri.getHost(), "the JDBC URL must name the postgres service: " + jdbcUrl);
        int port = uri.getPort() < 0 ? POSTGRES_DEFAULT_PORT : uri.getPort();
        assertEquals(POSTGRES_DEFAULT_PORT, port, "postgres listens on 5432; the JDBC URL says " + port);
        assertEquals(postgres.get("POSTGRES_DB"), uri.getPath().substring(1),
                "the JDBC URL's database is not POSTGRES_DB: " + jdbcUrl);
        assertEquals(postgres.get("POSTGRES_USER"), gateway.get("QUARKUS_DATASOURCE_USERNAME"),
                "QUARKUS_DATASOURCE_USERNAME is not postgres' POSTGRES_USER");
        assertEquals(setting("postgres", "POSTGRES_PASSWORD"), setting("gateway", "QUARKUS_DATASOURCE_PASSWORD"),
                "QUARKUS_DATASOURCE_PASSWORD is not postgres' POSTGRES_PASSWORD");
        assertTrue(healthcheck("postgres").contains("-U " + postgres.get("POSTGRES_USER"))
                        && healthcheck("postgres").contains("-d " + postgres.get("POSTGRES_DB")),
                "postgres' healthcheck should check the gateway's user and database: " + healthcheck("postgres"));
    }

    @Test
    void notifyUrlPointsAtTheGateway() {
        URI notifyUrl = URI.create(env("gateway").get("SCANFORPAY_NOTIFY_URL"));
        assertEquals("gateway", notifyUrl.getHost(),
                "SCANFORPAY_NOTIFY_URL must name the gateway service (the sandbox calls it): " + notifyUrl);
        assertEquals(gatewayHttpPort(), notifyUrl.getPort(), "SCANFORPAY_NOTIFY_URL's port is not the gateway's");
        assertEquals("/scanforpay/notify", notifyUrl.getPath(), "SCANFORPAY_NOTIFY_URL's path (docs/contract.md §5)");
    }

    // ------------------------------------------------------------- compose: stopping, starting, exposure, config

    @Test
    void gatewayIsGivenTimeToDrainBeforeDockerKillsIt() {
        Duration grace = composeDuration(service("gateway").path("stop_grace_period").asText(null));
        Duration drain = gatewayDrainTimeout();
        assertTrue(grace.compareTo(drain.plusSeconds(10)) >= 0, "gateway's stop_grace_period " + grace
                + " must exceed the time it drains on SIGTERM (" + drain + ", Camel's shutdown timeout) by 10 s at "
                + "least, else Docker kills it with payments in flight (Docker's default is 10 s)");
    }

    @Test
    void postgresIsHealthyOnlyWhenItsTcpServerAnswers() {
        // at the first start the image's setup server listens on the unix socket only, then restarts
        assertTrue(Pattern.compile("pg_isready\\s.*-h\\s+(127\\.0\\.0\\.1|localhost)(\\s|$)")
                        .matcher(healthcheck("postgres")).find(),
                "postgres' healthcheck must ask over TCP (pg_isready -h 127.0.0.1): " + healthcheck("postgres"));
    }

    @Test
    void noPortIsPublishedBeyondThisHost() {
        // closed by default: the demo secrets are in the repository; an operator opens 8080 on purpose
        services.fields().forEachRemaining(entry -> publishedPorts(entry.getKey()).forEach((port, hostIp) ->
                assertEquals("127.0.0.1", hostIp, "service `" + entry.getKey() + "` publishes container port " + port
                        + " on every interface: bind it to 127.0.0.1 (\"127.0.0.1:" + port + ":" + port + "\")")));
        assertEquals("127.0.0.1", publishedPorts("sandbox").get(sandboxListenPort()), "the sandbox: local only");
        assertEquals("127.0.0.1", publishedPorts("kafka").get(29092), "plaintext Kafka: local only");
    }

    @Test
    void secretsComeFromFilesInTheRepositoryAndNeverInline() throws Exception {
        JsonNode declared = compose.path("secrets");
        assertTrue(declared.isObject() && declared.size() > 0, "docker-compose.yml declares no top-level `secrets`");
        declared.fields().forEachRemaining(entry -> {
            Path file = secretFile(entry.getKey());
            assertTrue(Files.isRegularFile(file), "secret `" + entry.getKey() + "`: " + file + " is missing");
            assertFalse(ROOT.relativize(file.normalize()).startsWith("config"), "secret `" + entry.getKey()
                    + "` is under config/, which is mounted into the gateway as its configuration: keep it outside");
            assertTrue(file.getFileName().toString().startsWith("demo-"),
                    "secret files in the repository hold public demo values and say so in their name: " + file);
        });
        Map<String, String> gateway = env("gateway");
        for (String inline : List.of("SCANFORPAY_SIGN_KEY", "QUARKUS_DATASOURCE_PASSWORD")) {
            assertFalse(gateway.containsKey(inline), "gateway: " + inline + " inline; give " + inline + FILE_SUFFIX);
            assertTrue(gateway.containsKey(inline + FILE_SUFFIX), "gateway has no " + inline + FILE_SUFFIX);
        }
        assertFalse(env("postgres").containsKey("POSTGRES_PASSWORD"), "postgres: use POSTGRES_PASSWORD_FILE");
        gateway.keySet().stream().filter(name -> name.startsWith("SCANFORPAY_API_KEYS_")).forEach(name -> assertTrue(
                name.endsWith(FILE_SUFFIX), "gateway: API key " + name + " inline; give it as a secret file"));
        // the gateway refuses NAME and NAME_FILE together
        for (String name : gateway.keySet()) {
            if (name.endsWith(FILE_SUFFIX)) {
                assertFalse(gateway.containsKey(settingName(name)), "gateway sets both " + name + " and "
                        + settingName(name) + ": refused at start-up");
            }
        }
        // the demo API key is one the gateway accepts (ApiKeySettings: long enough)
        String apiKey = setting("gateway", "SCANFORPAY_API_KEYS_DEMO");
        assertNotNull(apiKey, "gateway has no demo API key (SCANFORPAY_API_KEYS_DEMO_FILE)");
        java.lang.reflect.Field minLength = Class.forName("com.scanforpay.gateway.api.ApiKeySettings")
                .getDeclaredField("MIN_KEY_LENGTH");
        minLength.setAccessible(true);
        assertTrue(apiKey.length() >= minLength.getInt(null), "the demo API key is shorter than "
                + minLength.getInt(null) + " characters: the gateway would refuse to start");
    }

    @Test
    void theDeployableConfigurationIsMountedWhereTheGatewayReadsIt() throws IOException {
        String target = GATEWAY_WORKING_DIR + "/config";
        String mount = bindMounts("gateway").get(target);
        assertNotNull(mount, "gateway must mount ./config at " + target + " (Quarkus reads config/application.properties"
                + " from its working directory " + GATEWAY_WORKING_DIR + "): " + bindMounts("gateway"));
        assertEquals(ROOT.resolve("config").normalize(), ROOT.resolve(mount.split(":")[0]).normalize(),
                "gateway's config mount must be the repository's config/ directory");
        assertTrue(mount.endsWith(":ro"), "the gateway only reads its configuration: mount it read-only");
        assertTrue(Files.isRegularFile(ROOT.resolve("config/application.properties")),
                "config/application.properties is missing");
        assertTrue(dockerfile.stage("gateway").instructions().stream()
                        .anyMatch(line -> line.contains(GATEWAY_WORKING_DIR + "/quarkus-run.jar")),
                "the gateway image no longer runs from " + GATEWAY_WORKING_DIR + ": move the config mount with it");
        // only configuration there: everything in config/ is visible to the gateway
        try (var files = Files.walk(ROOT.resolve("config"))) {
            List<String> others = files.filter(Files::isRegularFile).map(file -> ROOT.relativize(file).toString())
                    .filter(file -> !file.equals("config/application.properties")).toList();
            assertTrue(others.isEmpty(), "config/ is mounted into the gateway; keep other files elsewhere: " + others);
        }
    }

    @Test
    void theMonitoringProfileIsProvisionedFromTheRepository() throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        for (String name : List.of("prometheus", "grafana")) {
            assertEquals(List.of("monitoring"), strings(service(name).path("profiles")),
                    "service `" + name + "` belongs to the monitoring profile only");
            bindMounts(name).forEach((target, source) -> assertTrue(
                    Files.exists(ROOT.resolve(source.split(":")[0])), "service `" + name + "` mounts " + source
                            + " at " + target + ": missing in the repository"));
        }
        assertTrue(text(service("prometheus"), "image").startsWith("prom/prometheus:"), "prometheus' image");
        assertTrue(text(service("grafana"), "image").startsWith("grafana/grafana:"), "grafana's image");
        // the default stack never needs the monitoring services
        services.fields().forEachRemaining(entry -> {
            if (!entry.getValue().has("profiles")) {
                entry.getValue().path("depends_on").fieldNames().forEachRemaining(dependency -> assertFalse(
                        service(dependency).has("profiles"), "service `" + entry.getKey() + "` depends on `"
                                + dependency + "` of a profile: plain `docker compose up` would fail"));
            }
        });

        // Prometheus scrapes the gateway's management interface and loads the alert rules it is given
        JsonNode prometheus = yaml.readTree(mountedFile("prometheus", "/etc/prometheus/prometheus.yml").toFile());
        JsonNode job = prometheus.path("scrape_configs").get(0);
        assertEquals("/q/metrics", job.path("metrics_path").asText(), "Prometheus must scrape /q/metrics");
        assertEquals(List.of("gateway:" + gatewayManagementPort()), strings(job.path("static_configs").get(0)
                .path("targets")), "Prometheus must scrape the gateway's management port");
        for (String ruleFile : strings(prometheus.path("rule_files"))) {
            JsonNode rules = yaml.readTree(mountedFile("prometheus", ruleFile).toFile());
            assertTrue(rules.path("groups").size() > 0, ruleFile + " holds no rule groups");
        }
        assertFalse(strings(prometheus.path("rule_files")).isEmpty(), "Prometheus loads no alert rules");

        // Grafana: the data source is that Prometheus, the dashboards directory is the mounted one
        JsonNode datasource = yaml.readTree(mountedFile("grafana",
                "/etc/grafana/provisioning/datasources/prometheus.yml").toFile()).path("datasources").get(0);
        assertEquals("http://prometheus:9090", datasource.path("url").asText(), "Grafana's data source");
        String dashboards = yaml.readTree(mountedFile("grafana",
                "/etc/grafana/provisioning/dashboards/scanforpay.yml").toFile()).path("providers").get(0)
                .path("options").path("path").asText();
        Path dashboardDir = mountedFile("grafana", dashboards);
        assertTrue(Files.isRegularFile(dashboardDir.resolve("scanforpay-gateway.json")),
                "Grafana's dashboards directory " + dashboards + " (" + dashboardDir + ") lacks scanforpay-gateway.json");
        JsonNode dashboard = new ObjectMapper().readTree(dashboardDir.resolve("scanforpay-gateway.json").toFile());
        assertTrue(dashboard.path("panels").size() > 0, "the dashboard has no panels");
        // Grafana's own convention is a double underscore: GF_<SETTING>__FILE
        String adminPassword = env("grafana").get("GF_SECURITY_ADMIN_PASSWORD__FILE");
        assertNotNull(adminPassword, "grafana's admin password must come from a secret (GF_SECURITY_ADMIN_PASSWORD__FILE)");
        assertFalse(env("grafana").containsKey("GF_SECURITY_ADMIN_PASSWORD"), "grafana's admin password inline");
        assertTrue(strings(service("grafana").path("secrets")).contains(adminPassword.substring(SECRETS_DIR.length())),
                "grafana reads " + adminPassword + " but is not given that secret");
    }

    // ----------------------------------------------------------------------------------------------- Dockerfile

    @Test
    void dockerfileHasPinnedStagesEndingWithTheGateway() {
        assertEquals(Set.of("build", "sandbox", "gateway"), dockerfile.stageNames(),
                "Dockerfile.jvm must have exactly the stages build, sandbox and gateway");
        assertEquals("gateway", dockerfile.stages().get(dockerfile.stages().size() - 1).name(),
                "the gateway must be the last stage (what `docker build` makes without --target)");
        for (Stage stage : dockerfile.stages()) {
            String from = stage.from();
            assertTrue(dockerfile.stageNames().contains(from) || isPinned(from),
                    "stage `" + stage.name() + "`: FROM " + from + " is not pinned (tag other than latest, or digest)");
        }
        assertTrue(dockerfile.stage("build").from().matches("maven:[0-9.]+-eclipse-temurin-17.*"),
                "the build stage should use a pinned Maven image with JDK 17: " + dockerfile.stage("build").from());
        assertTrue(dockerfile.stage("gateway").from().startsWith("registry.access.redhat.com/ubi9/openjdk-17-runtime:"),
                "the gateway stage should use ubi9/openjdk-17-runtime: " + dockerfile.stage("gateway").from());
    }

    @Test
    void buildStageCachesDependenciesAndBuildsTheSandboxClasspath() {
        List<String> lines = dockerfile.stage("build").instructions();
        int pom = indexOf(lines, "COPY pom.xml");
        int resolve = indexOf(lines, "RUN mvn");
        int src = indexOf(lines, "COPY src");
        assertTrue(pom >= 0 && resolve > pom && src > resolve,
                "the build stage should COPY pom.xml, resolve dependencies, then COPY src (a cache layer): " + lines);
        String runs = String.join("\n", lines);
        assertTrue(runs.contains("-DskipTests package"), "the build stage must run `mvn -DskipTests package`");
        assertTrue(runs.contains("dependency:copy-dependencies") && runs.contains("-DincludeScope=test")
                        && runs.contains("-DoutputDirectory=target/sandbox-lib"),
                "the build stage must copy the test-scope dependencies to target/sandbox-lib (the sandbox's)");
    }

    @Test
    void gatewayStageIsTheFastJarAsNonRoot() {
        Stage gateway = dockerfile.stage("gateway");
        String copies = gateway.instructions().stream().filter(line -> line.startsWith("COPY"))
                .collect(Collectors.joining("\n"));
        for (String part : List.of("target/quarkus-app/lib/ /deployments/lib/", "target/quarkus-app/app/ /deployments/app/",
                "target/quarkus-app/quarkus/ /deployments/quarkus/")) {
            assertTrue(copies.contains(part), "the gateway stage must copy " + part + " (fast-jar layout): " + copies);
        }
        assertTrue(copies.contains("target/quarkus-app/*.jar /deployments/")
                        || copies.contains("target/quarkus-app/quarkus-run.jar /deployments/"),
                "the gateway stage must copy quarkus-run.jar to /deployments/");
        assertEquals(4, gateway.instructions().stream().filter(line -> line.startsWith("COPY")).count(),
                "the gateway stage copies the fast-jar in exactly four layers (lib, jar, app, quarkus)");
        assertNonRoot(gateway);
        String start = gateway.instructions().stream().filter(line -> line.startsWith("ENV")
                || line.startsWith("ENTRYPOINT") || line.startsWith("CMD")).collect(Collectors.joining("\n"));
        assertTrue(start.contains("JAVA_APP_JAR=\"/deployments/quarkus-run.jar\"")
                        || start.contains("JAVA_APP_JAR=/deployments/quarkus-run.jar")
                        || start.contains("/deployments/quarkus-run.jar\""),
                "the gateway stage must run /deployments/quarkus-run.jar: " + start);
        assertTrue(gateway.instructions().stream().anyMatch(line -> line.startsWith("ENTRYPOINT")),
                "the gateway stage has no ENTRYPOINT");
        assertFalse(start.contains("QUARKUS_LOG_CONSOLE_JSON"),
                "log format belongs to the compose file, not the image");
    }

    @Test
    void sandboxStageRunsTheSandboxReachablyAsNonRoot() throws Exception {
        Stage sandbox = dockerfile.stage("sandbox");
        assertNonRoot(sandbox);
        String entrypoint = sandbox.instructions().stream().filter(line -> line.startsWith("ENTRYPOINT"))
                .findFirst().orElse(null);
        assertNotNull(entrypoint, "the sandbox stage has no ENTRYPOINT");
        Matcher mainClass = Pattern.compile("(com\\.scanforpay\\.[\\w.]+)").matcher(entrypoint);
        assertTrue(mainClass.find(), "the sandbox's ENTRYPOINT names no main class: " + entrypoint);
        Class<?> main = Class.forName(mainClass.group(1));
        assertNotNull(main.getMethod("main", String[].class), mainClass.group(1) + " has no main method");
        assertTrue(entrypoint.contains("-Dsandbox.host=0.0.0.0"),
                "the sandbox must bind 0.0.0.0 (-Dsandbox.host=0.0.0.0), else other containers cannot reach it");
        assertTrue(entrypoint.contains("$SANDBOX_SIGN_KEY") && entrypoint.contains("$SANDBOX_PARTNER_NO"),
                "the sandbox's sign key and partnerNo must come from SANDBOX_SIGN_KEY / SANDBOX_PARTNER_NO");
        for (String dir : List.of("test-classes", "classes", "lib/*")) {
            assertTrue(entrypoint.contains("/" + dir), "the sandbox's classpath lacks " + dir + ": " + entrypoint);
        }
        String copies = String.join("\n", sandbox.instructions());
        for (String dir : List.of("target/sandbox-lib/", "target/classes/", "target/test-classes/")) {
            assertTrue(copies.contains("--from=build /build/" + dir), "the sandbox stage must copy " + dir
                    + " from the build stage");
        }
    }

    @Test
    void dockerignoreKeepsTheContextSmallButComplete() throws IOException {
        assertTrue(Files.isRegularFile(DOCKERIGNORE), ".dockerignore is missing");
        List<String> patterns = Files.readAllLines(DOCKERIGNORE).stream().map(String::trim)
                .filter(line -> !line.isEmpty() && !line.startsWith("#")).map(line -> line.replaceAll("/+$", ""))
                .toList();
        assertTrue(patterns.contains("target"), ".dockerignore must exclude target/ (the build stage builds inside)");
        assertTrue(patterns.contains(".git"), ".dockerignore must exclude .git/");
        for (String needed : List.of("pom.xml", "src", "src/main", "src/test", "*", "**")) {
            assertFalse(patterns.contains(needed), ".dockerignore must not exclude " + needed
                    + " (the build stage needs pom.xml and src/)");
        }
    }

    // ------------------------------------------------------------------------------ known settings by reflection

    /** Environment variable name → property, for every setting the application reads. */
    static Map<String, String> knownEnvironmentVariables() {
        Map<String, String> known = new TreeMap<>();
        for (String property : knownProperties().keySet()) {
            known.put(envName(property), property);
        }
        for (String property : ALLOWED_EXTRA_PROPERTIES) {
            known.put(envName(property), property);
        }
        return known;
    }

    /**
     * Whether environment variable {@code name} is a known setting; a map entry's ({@code scanforpay.partners.*.x})
     * matches any key, plain ({@code _TOKYO_}) or quoted ({@code __100010000000009__}).
     */
    static boolean isKnown(String name, Map<String, String> known) {
        if (known.containsKey(name)) {
            return true;
        }
        return known.values().stream().filter(property -> property.contains("*")).anyMatch(property -> {
            String[] parts = property.split("\\*", -1);
            StringBuilder regex = new StringBuilder();
            for (int i = 0; i < parts.length; i++) {
                if (i > 0) {
                    regex.append("(?:_[A-Z0-9_]+_|[A-Z0-9]+)");
                }
                regex.append(Pattern.quote(envName(parts[i])));
            }
            return name.matches(regex.toString());
        });
    }

    /** Property → whether it is required (no default, not optional), from the {@code @ConfigMapping} interfaces. */
    static Map<String, Boolean> knownProperties() {
        Map<String, Boolean> properties = new TreeMap<>();
        for (Class<?> mapping : CONFIG_MAPPINGS) {
            ConfigMapping annotation = mapping.getAnnotation(ConfigMapping.class);
            assertNotNull(annotation, mapping.getName() + " is not a @ConfigMapping");
            walk(mapping, annotation.prefix(), properties);
        }
        assertTrue(properties.containsKey("scanforpay.base-url") && properties.containsKey("kafka.bootstrap.servers"),
                "reflection found too little: " + properties.keySet());
        return properties;
    }

    private static void walk(Class<?> type, String prefix, Map<String, Boolean> properties) {
        walk(type, prefix, properties, false);
    }

    /**
     * @param inMapEntry the group is the value of a map ({@code scanforpay.partners.*}): its properties exist per
     *                   entry, none is required as such
     */
    private static void walk(Class<?> type, String prefix, Map<String, Boolean> properties, boolean inMapEntry) {
        for (Method method : type.getMethods()) {
            if (method.getParameterCount() != 0 || method.isDefault() || Modifier.isStatic(method.getModifiers())
                    || method.getDeclaringClass() == Object.class) {
                continue;
            }
            String segment;
            if (method.isAnnotationPresent(WithParentName.class)) {
                segment = "";
            } else if (method.isAnnotationPresent(WithName.class)) {
                segment = method.getAnnotation(WithName.class).value();
            } else {
                segment = kebab(method.getName());
            }
            String name = segment.isEmpty() ? prefix : prefix + "." + segment;
            Class<?> valueType = method.getReturnType();
            boolean optional = valueType == Optional.class;
            boolean map = valueType == Map.class;
            if (optional) {
                valueType = typeArgument(method.getGenericReturnType(), 0);
            } else if (map) {
                // Map<String, Group>: one group per key, named by the key (a wildcard here)
                valueType = typeArgument(method.getGenericReturnType(), 1);
                name = name + ".*";
            }
            if (isGroup(valueType)) {
                walk(valueType, name, properties, inMapEntry || map);
            } else {
                boolean required = !optional && !map && !inMapEntry && !method.isAnnotationPresent(WithDefault.class);
                properties.put(name, required);
            }
        }
    }

    private static boolean isGroup(Class<?> type) {
        return type != null && type.isInterface() && type.getName().startsWith("com.scanforpay.");
    }

    private static Class<?> typeArgument(Type type, int index) {
        if (type instanceof ParameterizedType parameterized
                && parameterized.getActualTypeArguments()[index] instanceof Class<?> argument) {
            return argument;
        }
        return null;
    }

    /** SmallRye's default naming: {@code firstQueryDelay} → {@code first-query-delay}. */
    static String kebab(String camelCase) {
        StringBuilder out = new StringBuilder();
        for (char c : camelCase.toCharArray()) {
            if (Character.isUpperCase(c)) {
                if (!out.isEmpty()) {
                    out.append('-');
                }
                out.append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** How SmallRye names a property in the environment: upper case, every non-alphanumeric character {@code _}. */
    static String envName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    private static Set<String> requiredProperties() {
        return knownProperties().entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static List<String> defaultTopics() throws NoSuchMethodException {
        List<String> topics = new ArrayList<>();
        for (String name : List.of("commands", "results", "dlq")) {
            topics.add(ScanForPayConfig.Topics.class.getMethod(name).getAnnotation(WithDefault.class).value());
        }
        return topics;
    }

    @Test
    void reflectionFollowsSmallRyeNaming() {
        assertEquals("first-query-delay", kebab("firstQueryDelay"));
        assertEquals("SCANFORPAY_PENDING_FIRST_QUERY_DELAY", envName("scanforpay.pending.first-query-delay"));
        Map<String, String> known = knownEnvironmentVariables();
        for (String name : List.of("KAFKA_BOOTSTRAP_SERVERS", "SCANFORPAY_BASE_URL", "SCANFORPAY_SIGN_KEY",
                "SCANFORPAY_TOPIC_DLQ", "SCANFORPAY_CALLBACK_MAX_BODY_SIZE", "SCANFORPAY_CONSUMER_MAX_IN_FLIGHT",
                "SCANFORPAY_IDEMPOTENCY_CLAIM_LEASE", "QUARKUS_DATASOURCE_JDBC_URL", "QUARKUS_HTTP_PORT")) {
            assertTrue(known.containsKey(name), name + " should be a known setting; known: " + known.keySet());
        }
        assertFalse(known.containsKey("SCANFORPAY_BASEURL"), "camelCase must become kebab-case");
        // map entries: any key, plain or quoted (SmallRye's "__" stands for a quote, needed for numeric keys)
        assertTrue(isKnown("SCANFORPAY_PARTNERS_TOKYO_SIGN_KEY_FILE", known));
        assertTrue(isKnown("SCANFORPAY_STORES__100010000000009__PARTNER", known));
        assertFalse(isKnown("SCANFORPAY_STORES_TOKYO_PARTNER_NO", known));
        assertFalse(isKnown("SCANFORPAY_PARTNERS", known));
        assertEquals(Set.of("kafka.bootstrap.servers", "quarkus.datasource.jdbc.url", "scanforpay.partner-no",
                "scanforpay.sign-key"), requiredProperties(), "required settings (docs/contract.md §1)");
    }

    // ------------------------------------------------------------------------------------------------- helpers

    private static JsonNode service(String name) {
        JsonNode service = services.get(name);
        assertNotNull(service, "docker-compose.yml has no service `" + name + "`");
        return service;
    }

    private static String text(JsonNode node, String field) {
        return node.path(field).asText(null);
    }

    /** A service's environment, in either compose form (mapping, or list of {@code NAME=value}). */
    private static Map<String, String> env(String serviceName) {
        JsonNode environment = service(serviceName).path("environment");
        Map<String, String> env = new LinkedHashMap<>();
        if (environment.isObject()) {
            environment.fields().forEachRemaining(entry -> env.put(entry.getKey(),
                    entry.getValue().isNull() ? null : entry.getValue().asText()));
        } else if (environment.isArray()) {
            for (JsonNode item : environment) {
                String[] pair = item.asText().split("=", 2);
                env.put(pair[0], pair.length > 1 ? pair[1] : null);
            }
        }
        env.values().forEach(value -> assertFalse(value != null && value.contains("${"), "service `" + serviceName
                + "`: interpolated values are not checked by this test, use literals: " + value));
        return env;
    }

    /** {@code NAME_FILE} → {@code NAME}: the setting a variable gives; other names unchanged. */
    private static String settingName(String variable) {
        return variable.endsWith(FILE_SUFFIX) ? variable.substring(0, variable.length() - FILE_SUFFIX.length())
                : variable;
    }

    /**
     * The value of setting {@code name} in a service: inline, or from {@code name_FILE}, a secret of the service
     * (mounted at /run/secrets/<secret>), read from the file the top-level {@code secrets} names, whitespace
     * stripped. Null if neither is given.
     */
    private static String setting(String serviceName, String name) {
        Map<String, String> env = env(serviceName);
        if (env.containsKey(name)) {
            return env.get(name);
        }
        String path = env.get(name + FILE_SUFFIX);
        if (path == null) {
            return null;
        }
        assertTrue(path.startsWith(SECRETS_DIR), serviceName + ": " + name + FILE_SUFFIX + " should name a secret "
                + "under " + SECRETS_DIR + ", is " + path);
        String secret = path.substring(SECRETS_DIR.length());
        assertTrue(strings(service(serviceName).path("secrets")).contains(secret), "service `" + serviceName
                + "` reads secret `" + secret + "` (" + name + FILE_SUFFIX + ") but is not given it under `secrets:`");
        try {
            return Files.readString(secretFile(secret)).strip();
        } catch (IOException e) {
            throw new AssertionError("secret `" + secret + "`: " + e.getMessage(), e);
        }
    }

    /** The file in the repository behind top-level secret {@code name}. */
    private static Path secretFile(String name) {
        String file = compose.path("secrets").path(name).path("file").asText(null);
        assertNotNull(file, "top-level secret `" + name + "` is not declared with a `file:`");
        return ROOT.resolve(file).normalize();
    }

    /** A list of scalars (or of {@code source} mappings, compose's long syntax) as strings. */
    private static List<String> strings(JsonNode list) {
        List<String> values = new ArrayList<>();
        list.forEach(item -> values.add(item.isObject() ? item.path("source").asText() : item.asText()));
        return values;
    }

    /** Bind mounts ({@code ./source:target[:mode]}) of a service: container path → the whole spec. */
    private static Map<String, String> bindMounts(String serviceName) {
        Map<String, String> mounts = new LinkedHashMap<>();
        for (JsonNode volume : service(serviceName).path("volumes")) {
            String[] parts = volume.asText().split(":");
            if (parts.length >= 2 && (parts[0].startsWith(".") || parts[0].startsWith("/"))) {
                mounts.put(parts[1], volume.asText());
            }
        }
        return mounts;
    }

    /** The repository file a service sees at {@code containerPath} (through a bind mount of it or a parent). */
    private static Path mountedFile(String serviceName, String containerPath) {
        for (Map.Entry<String, String> mount : bindMounts(serviceName).entrySet()) {
            String target = mount.getKey();
            if (containerPath.equals(target) || containerPath.startsWith(target + "/")) {
                Path source = ROOT.resolve(mount.getValue().split(":")[0]);
                return source.resolve(containerPath.substring(target.length()).replaceFirst("^/", "")).normalize();
            }
        }
        throw new AssertionError("service `" + serviceName + "` mounts nothing at " + containerPath);
    }

    /** Published container ports of a service → the host address they bind ("" for every interface). */
    private static Map<Integer, String> publishedPorts(String serviceName) {
        Map<Integer, String> published = new TreeMap<>();
        for (JsonNode port : service(serviceName).path("ports")) {
            if (port.isObject()) {
                published.put(port.path("target").asInt(), port.path("host_ip").asText(""));
            } else {
                String[] parts = port.asText().replaceAll("/(tcp|udp)$", "").split(":");
                published.put(Integer.parseInt(parts[parts.length - 1]), parts.length == 3 ? parts[0] : "");
            }
        }
        return published;
    }

    /** A compose duration ({@code 60s}, {@code 1m30s}, {@code 2m}); fails when absent. */
    static Duration composeDuration(String value) {
        assertNotNull(value, "no duration given");
        Matcher part = Pattern.compile("(\\d+)(ms|s|m|h)").matcher(value);
        Duration total = Duration.ZERO;
        int end = 0;
        while (part.find() && part.start() == end) {
            long amount = Long.parseLong(part.group(1));
            total = total.plus(switch (part.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            });
            end = part.end();
        }
        assertEquals(value.length(), end, "not a compose duration: " + value);
        return total;
    }

    /**
     * How long the gateway drains on SIGTERM: Camel's shutdown timeout (the commands consumer waits for it), its
     * default from Camel itself unless application.properties or config/application.properties set it; or Quarkus'
     * shutdown timeout if longer.
     */
    private static Duration gatewayDrainTimeout() {
        var camel = new org.apache.camel.impl.engine.DefaultShutdownStrategy();
        Duration drain = Duration.ofMillis(camel.getTimeUnit().toMillis(camel.getTimeout()));
        for (Path file : List.of(APPLICATION_PROPERTIES, ROOT.resolve("config/application.properties"))) {
            Properties properties = new Properties();
            try {
                properties.load(new StringReader(Files.readString(file)));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            for (String key : List.of("camel.main.shutdown-timeout", "camel.main.shutdownTimeout")) {
                if (properties.containsKey(key)) {
                    drain = Duration.ofSeconds(Long.parseLong(properties.getProperty(key).trim()));
                }
            }
            if (properties.containsKey("quarkus.shutdown.timeout")) {
                String value = properties.getProperty("quarkus.shutdown.timeout").trim();
                Duration quarkus = value.matches("\\d+") ? Duration.ofSeconds(Long.parseLong(value))
                        : value.startsWith("P") ? Duration.parse(value) : Duration.parse("PT" + value);
                drain = quarkus.compareTo(drain) > 0 ? quarkus : drain;
            }
        }
        return drain;
    }

    /** The healthcheck test of a service as one string. */
    private static String healthcheck(String serviceName) {
        JsonNode test = service(serviceName).path("healthcheck").path("test");
        if (test.isTextual()) {
            return test.asText();
        }
        List<String> parts = new ArrayList<>();
        test.forEach(part -> parts.add(part.asText()));
        // compose turns $$ into $ before the container sees it
        return String.join(" ", parts).replace("$$", "$");
    }

    private static String commandText(JsonNode service) {
        List<String> parts = new ArrayList<>();
        for (String field : List.of("entrypoint", "command")) {
            JsonNode node = service.path(field);
            if (node.isTextual()) {
                parts.add(node.asText());
            } else {
                node.forEach(part -> parts.add(part.asText()));
            }
        }
        return String.join(" ", parts).replaceAll("\\s+", " ");
    }

    /** Container-side ports of a service's {@code ports} (short syntax {@code [ip:]host:container} or long syntax). */
    private static Set<Integer> containerPorts(String serviceName) {
        Set<Integer> ports = new TreeSet<>();
        for (JsonNode port : service(serviceName).path("ports")) {
            if (port.isObject()) {
                ports.add(port.path("target").asInt());
            } else {
                String spec = port.asText().replaceAll("/(tcp|udp)$", "");
                ports.add(Integer.parseInt(spec.substring(spec.lastIndexOf(':') + 1)));
            }
        }
        return ports;
    }

    /** Named volumes (not bind mounts) a service mounts: volume → container path. */
    private static Map<String, String> namedVolumeMounts(String serviceName) {
        Map<String, String> mounts = new LinkedHashMap<>();
        for (JsonNode volume : service(serviceName).path("volumes")) {
            if (volume.isObject()) {
                if ("volume".equals(volume.path("type").asText())) {
                    mounts.put(volume.path("source").asText(), volume.path("target").asText());
                }
            } else {
                String[] parts = volume.asText().split(":");
                if (parts.length >= 2 && !parts[0].startsWith(".") && !parts[0].startsWith("/")
                        && !parts[0].startsWith("~")) {
                    mounts.put(parts[0], parts[1]);
                }
            }
        }
        return mounts;
    }

    private static int gatewayHttpPort() {
        String port = env("gateway").get("QUARKUS_HTTP_PORT");
        return port == null ? QUARKUS_DEFAULT_HTTP_PORT : Integer.parseInt(port);
    }

    private static int gatewayManagementPort() {
        String port = env("gateway").get("QUARKUS_MANAGEMENT_PORT");
        return port == null ? QUARKUS_DEFAULT_MANAGEMENT_PORT : Integer.parseInt(port);
    }

    /** The sandbox's port: {@code -Dsandbox.port} in the Dockerfile, overridden by SANDBOX_PORT in compose. */
    private static int sandboxListenPort() {
        String fromEnv = env("sandbox").get("SANDBOX_PORT");
        if (fromEnv != null) {
            return Integer.parseInt(fromEnv);
        }
        String entrypoint = String.join(" ", dockerfile.stage("sandbox").instructions());
        Matcher port = Pattern.compile("-Dsandbox\\.port=(\\d+)").matcher(entrypoint);
        return port.find() ? Integer.parseInt(port.group(1)) : 8089;
    }

    /** Kafka listener list {@code NAME://host:port,...} → name → host:port. */
    private static Map<String, String> listeners(String list) {
        Map<String, String> listeners = new LinkedHashMap<>();
        if (list != null) {
            for (String listener : list.split(",")) {
                String[] parts = listener.trim().split("://", 2);
                if (parts.length == 2) {
                    listeners.put(parts[0], parts[1]);
                }
            }
        }
        return listeners;
    }

    /** A version tag other than {@code latest}, or a digest. */
    static boolean isPinned(String image) {
        if (image.contains("@sha256:")) {
            return true;
        }
        String lastPart = image.substring(image.lastIndexOf('/') + 1);
        int colon = lastPart.indexOf(':');
        if (colon < 0) {
            return false;
        }
        String tag = lastPart.substring(colon + 1);
        return !tag.isEmpty() && !tag.equals("latest") && !tag.contains("$") && tag.matches(".*\\d.*");
    }

    private static void assertNonRoot(Stage stage) {
        List<String> users = stage.instructions().stream().filter(line -> line.startsWith("USER ")).toList();
        assertFalse(users.isEmpty(), "the " + stage.name() + " stage sets no USER (it would run as root)");
        String user = users.get(users.size() - 1).substring("USER ".length()).trim().split(":")[0];
        assertFalse(user.equals("root") || user.equals("0"), "the " + stage.name() + " stage runs as root");
    }

    private static int indexOf(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    private static int count(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }

    /** An HTTP probe in a healthcheck: a URL ({@code curl}, {@code wget}) or a request over bash's /dev/tcp. */
    record HttpProbe(int port, String path) {

        static HttpProbe parse(String healthcheck) {
            Matcher url = Pattern.compile("https?://[^/:\\s]+:(\\d+)(/[^\\s'\"]*)").matcher(healthcheck);
            if (url.find()) {
                return new HttpProbe(Integer.parseInt(url.group(1)), url.group(2));
            }
            Matcher tcp = Pattern.compile("/dev/tcp/[^/\\s]+/(\\d+)").matcher(healthcheck);
            Matcher get = Pattern.compile("GET (/\\S*) HTTP").matcher(healthcheck);
            if (tcp.find() && get.find()) {
                return new HttpProbe(Integer.parseInt(tcp.group(1)), get.group(1));
            }
            throw new AssertionError("no HTTP probe (URL with port, or /dev/tcp with GET) in: " + healthcheck);
        }
    }

    /** One build stage: its base image, name, and instructions (continuation lines joined). */
    record Stage(String from, String name, List<String> instructions) {

        boolean exposes(int port) {
            return instructions.stream().filter(line -> line.startsWith("EXPOSE "))
                    .flatMap(line -> List.of(line.substring("EXPOSE ".length()).trim().split("\\s+")).stream())
                    .anyMatch(spec -> spec.replaceAll("/(tcp|udp)$", "").equals(String.valueOf(port)));
        }
    }

    /** Just enough of a Dockerfile parser: comments dropped, continuations joined, stages split at FROM. */
    record Dockerfile(List<Stage> stages) {

        static Dockerfile parse(String text) {
            List<String> lines = new ArrayList<>();
            StringBuilder current = new StringBuilder();
            for (Iterator<String> it = text.lines().iterator(); it.hasNext(); ) {
                String line = it.next();
                String trimmed = line.trim();
                if (trimmed.startsWith("#") || trimmed.isEmpty() && current.isEmpty()) {
                    continue;
                }
                if (trimmed.endsWith("\\")) {
                    current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                    continue;
                }
                current.append(trimmed);
                lines.add(current.toString().replaceAll("\\s+", " ").trim());
                current.setLength(0);
            }
            List<Stage> stages = new ArrayList<>();
            Pattern from = Pattern.compile("FROM (?:--platform=\\S+ )?(\\S+)(?: [Aa][Ss] (\\S+))?",
                    Pattern.CASE_INSENSITIVE);
            for (String line : lines) {
                Matcher m = from.matcher(line);
                if (m.matches()) {
                    stages.add(new Stage(m.group(1), m.group(2), new ArrayList<>()));
                } else {
                    assertFalse(stages.isEmpty(), "Dockerfile instruction before the first FROM: " + line);
                    stages.get(stages.size() - 1).instructions().add(line);
                }
            }
            assertFalse(stages.isEmpty(), "Dockerfile has no FROM");
            return new Dockerfile(stages);
        }

        Set<String> stageNames() {
            return stages.stream().map(Stage::name).filter(java.util.Objects::nonNull)
                    .collect(Collectors.toCollection(TreeSet::new));
        }

        Stage stage(String name) {
            return stages.stream().filter(stage -> name.equals(stage.name())).findFirst()
                    .orElseThrow(() -> new AssertionError("Dockerfile.jvm has no stage `" + name + "`"));
        }
    }
}
