package com.scanforpay.gateway.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Redocly CLI (npm {@code @redocly/cli}, pinned), installed into {@code target/redocly} once per build (a later test
 * or JVM finds it there), and its {@code lint} with the built-in recommended rules (no config file: what a user who
 * runs {@code redocly lint} on our documents sees).
 */
public final class Redocly {

    public static final String VERSION = "2.77.0";
    private static final Path PREFIX = Path.of("target", "redocly");
    private static final Path PACKAGE = PREFIX.resolve("node_modules/@redocly/cli/package.json");
    private static final Path CLI = PREFIX.resolve("node_modules/.bin/redocly");
    private static final Pattern SUMMARY_ERRORS = Pattern.compile("(\\d+) errors?");

    private Redocly() {
    }

    /** What one lint printed, and its exit code. */
    public record Lint(int exitCode, String output) {

        /** Asserts Redocly's own verdict: exit code 0, "valid", no error reported. */
        public void assertPasses(String what) {
            assertEquals(0, exitCode, () -> "redocly lint " + what + " failed:\n" + output);
            assertTrue(output.contains("Your API description is valid"), () -> "redocly lint " + what + ":\n"
                    + output);
            Matcher errors = SUMMARY_ERRORS.matcher(output);
            while (errors.find()) {
                assertEquals("0", errors.group(1), () -> "redocly lint " + what + ":\n" + output);
            }
        }
    }

    /** Lints {@code file} (OpenAPI or AsyncAPI, found by its content). */
    public static Lint lint(Path file) throws IOException, InterruptedException {
        install();
        return run(List.of(CLI.toAbsolutePath().toString(), "lint", file.toAbsolutePath().toString(),
                "--format", "stylish"), 120);
    }

    private static synchronized void install() throws IOException, InterruptedException {
        if (Files.exists(CLI) && Files.exists(PACKAGE)
                && Files.readString(PACKAGE).contains("\"version\": \"" + VERSION + "\"")) {
            return;
        }
        Lint npm = run(List.of("npm", "install", "--prefix", PREFIX.toString(), "@redocly/cli@" + VERSION,
                "--no-audit", "--no-fund", "--no-save", "--loglevel", "error"), 600);
        assertEquals(0, npm.exitCode(), () -> "npm install @redocly/cli@" + VERSION + " failed (node and npm are "
                + "needed, and the npm registry):\n" + npm.output());
    }

    private static Lint run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Files.createDirectories(PREFIX);
        Path output = Files.createTempFile(PREFIX, "run-", ".txt");
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        // no telemetry or update checks from a test: only the npm registry is reachable, on CI too
        builder.environment().put("REDOCLY_TELEMETRY", "off");
        builder.environment().put("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true");
        builder.environment().put("NO_COLOR", "1");
        Process process = builder.start();
        try {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in " + timeoutSeconds
                        + " s:\n" + Files.readString(output, StandardCharsets.UTF_8));
            }
            return new Lint(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
