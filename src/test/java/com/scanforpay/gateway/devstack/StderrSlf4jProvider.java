package com.scanforpay.gateway.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Minimal SLF4J 2 provider used only inside the child broker JVM ({@link BrokerProcessMain}) when the
 * broker classpath holds no SLF4J binding (the build's {@code kafka-broker.classpath} has log4j-core but
 * no log4j-slf4j2-impl, so Kafka would otherwise log nothing and start-up failures would be invisible).
 * <p>
 * It is selected with {@code -Dslf4j.provider=...} by {@link BrokerProcessMain}, never via
 * {@code META-INF/services}, so it cannot affect the test JVM. Prints events at or above the levels of the
 * Log4j2 properties file (see {@link Levels}) to stderr, which the parent redirects to {@code broker.log}.
 */
public final class StderrSlf4jProvider implements SLF4JServiceProvider {

    private ILoggerFactory loggerFactory;
    private IMarkerFactory markerFactory;
    private MDCAdapter mdcAdapter;

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggerFactory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markerFactory;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdcAdapter;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        Levels levels = Levels.load();
        Map<String, Logger> loggers = new ConcurrentHashMap<>();
        loggerFactory = name -> loggers.computeIfAbsent(name, n -> new StderrLogger(n, levels.levelFor(n)));
        markerFactory = new BasicMarkerFactory();
        mdcAdapter = new NOPMDCAdapter();
    }

    /**
     * Thresholds: {@code rootLogger.level} and {@code logger.<id>.name}/{@code logger.<id>.level} pairs read from
     * the Log4j2 properties file named by {@code -Dlog4j2.configurationFile} (so one file configures both),
     * root overridden by {@code -Dlocalkafka.log.level}; WARN if nothing is configured.
     */
    static final class Levels {
        private final Level root;
        private final Map<String, Level> byPrefix;

        Levels(Level root, Map<String, Level> byPrefix) {
            this.root = root;
            this.byPrefix = byPrefix;
        }

        static Levels load() {
            Properties config = new Properties();
            String location = System.getProperty("log4j2.configurationFile");
            if (location != null && location.endsWith(".properties")) {
                try (InputStream in = open(location)) {
                    config.load(in);
                } catch (IOException | RuntimeException e) {
                    System.err.println("[local-kafka] cannot read " + location + ": " + e);
                }
            }
            Level root = parse(System.getProperty("localkafka.log.level", config.getProperty("rootLogger.level")), Level.WARN);
            Map<String, Level> byPrefix = new HashMap<>();
            for (String key : config.stringPropertyNames()) {
                if (key.startsWith("logger.") && key.endsWith(".name")) {
                    String id = key.substring("logger.".length(), key.length() - ".name".length());
                    Level level = parse(config.getProperty("logger." + id + ".level"), null);
                    if (level != null) {
                        byPrefix.put(config.getProperty(key).trim(), level);
                    }
                }
            }
            return new Levels(root, byPrefix);
        }

        Level levelFor(String loggerName) {
            for (String name = loggerName; !name.isEmpty(); name = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : "") {
                Level level = byPrefix.get(name);
                if (level != null) {
                    return level;
                }
            }
            return root;
        }

        private static InputStream open(String location) throws IOException {
            if (location.contains(":/")) {
                return URI.create(location).toURL().openStream();
            }
            return Files.newInputStream(Path.of(location));
        }

        private static Level parse(String value, Level fallback) {
            if (value == null) {
                return fallback;
            }
            String v = value.trim().toUpperCase(Locale.ROOT);
            if ("OFF".equals(v) || "FATAL".equals(v)) {
                return Level.ERROR;
            }
            if ("ALL".equals(v)) {
                return Level.TRACE;
            }
            try {
                return Level.valueOf(v);
            } catch (IllegalArgumentException e) {
                return fallback;
            }
        }
    }

    private static final class StderrLogger extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;
        private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
        private final int minLevel;

        StderrLogger(String name, Level min) {
            this.name = name;
            this.minLevel = min.toInt();
        }

        private boolean enabled(Level level) {
            return level.toInt() >= minLevel;
        }

        @Override public boolean isTraceEnabled() { return enabled(Level.TRACE); }
        @Override public boolean isDebugEnabled() { return enabled(Level.DEBUG); }
        @Override public boolean isInfoEnabled() { return enabled(Level.INFO); }
        @Override public boolean isWarnEnabled() { return enabled(Level.WARN); }
        @Override public boolean isErrorEnabled() { return enabled(Level.ERROR); }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String messagePattern,
                                                   Object[] arguments, Throwable throwable) {
            if (!enabled(level)) {
                return;
            }
            String message = MessageFormatter.basicArrayFormat(messagePattern, arguments);
            PrintStream err = System.err;
            synchronized (err) {
                err.println(LocalTime.now().format(TIME) + ' ' + level + " [" + Thread.currentThread().getName()
                        + "] " + name + ": " + message);
                if (throwable != null) {
                    throwable.printStackTrace(err);
                }
            }
        }
    }
}
