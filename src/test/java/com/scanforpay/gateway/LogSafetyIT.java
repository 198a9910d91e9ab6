package com.scanforpay.gateway;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.scanforpay.gateway.sandbox.SandboxBarcodes;
import com.scanforpay.gateway.testing.GatewayTestStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs after every other test (its own failsafe execution) and reads what the gateway logged during the whole
 * build: the @QuarkusTest output (surefire writes it to target/surefire-reports/*-output.txt) and the packaged
 * gateways' logs (target/gateway-processes). No barcode, sign key or signature used in the tests may appear.
 * Lines of the test-only parts (sandbox, local stack, test helpers) are not the gateway's and are skipped.
 */
class LogSafetyIT {

    private static final List<String> SECRETS = List.of(SandboxBarcodes.PAID, SandboxBarcodes.DECLINED,
            SandboxBarcodes.WAITING_THEN_PAID, SandboxBarcodes.WAITING_THEN_FAILED, SandboxBarcodes.SLOW,
            SandboxBarcodes.HTTP_500, SandboxBarcodes.MALFORMED, SandboxBarcodes.BAD_SIGNATURE,
            SandboxBarcodes.PAID_WITH_BUYER, SandboxBarcodes.WAITING_SLOW_QUERIES, SandboxBarcodes.HELD,
            SandboxBarcodes.WAITING_HELD_QUERIES,
            // the independent provider's barcodes (IndependentProviderIT)
            "284447106610060500", "284447106610060501", "284447106610060502", "284447106610060503",
            "284447106610060504", "284447106610060505", "284447106610060506", "284447106610060507",
            "284447106610060509",
            GatewayTestStack.SIGN_KEY, "sandbox-sign-key", "independent-key-9d1c", "someone-elses-key",
            "till7-key-3f9a6", com.scanforpay.gateway.testing.SeveralPartners.SIGN_KEY_B,
            "till-7-key-3b9f1c", "store-a-key-8d2e7f40", "back-office-key-61c9a3e5", "till7-key-0123456789",
            "short-k3y", "storea-key-5e81c0d2f7", "till9-key-a4c27e19b3", "backoffice-key-7f3d92e6c1",
            "some-key-0123456789");
    /** A signature: 64 hex digits. */
    private static final Pattern SIGNATURE = Pattern.compile("(?i)\\b[0-9a-f]{64}\\b");
    private static final Pattern NOT_THE_GATEWAY = Pattern.compile("\\[co\\.sc\\.ga\\.(sa|lo|te)\\.|\\[or\\.ap\\.ka\\.|"
            + "\\[kafka|\\[state\\.change|\\[io\\.zonky");

    @Test
    void noBarcodeSignKeyOrSignatureIsEverLogged() throws IOException {
        List<Path> logs = new ArrayList<>();
        collect(Path.of("target", "surefire-reports"), "-output.txt", logs);
        collect(Path.of("target", "gateway-processes"), ".log", logs);
        assertTrue(logs.size() >= 5, "the logs of the test run are there: " + logs);

        List<String> leaks = new ArrayList<>();
        long lines = 0;
        for (Path log : logs) {
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                lines++;
                if (NOT_THE_GATEWAY.matcher(line).find()) {
                    continue;
                }
                for (String secret : SECRETS) {
                    if (line.contains(secret)) {
                        leaks.add(log.getFileName() + ": " + line.replace(secret, "<" + secret.length() + " chars>"));
                    }
                }
                if (SIGNATURE.matcher(line).find()) {
                    leaks.add(log.getFileName() + ": signature-like: " + line);
                }
            }
        }
        assertTrue(lines > 1000, "read the whole run's logs (" + lines + " lines)");
        assertTrue(leaks.isEmpty(), leaks.size() + " log lines leak secrets:\n" + String.join("\n",
                leaks.subList(0, Math.min(20, leaks.size()))));
    }

    private static void collect(Path dir, String suffix, List<Path> into) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(file -> file.getFileName().toString().endsWith(suffix)).forEach(into::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
