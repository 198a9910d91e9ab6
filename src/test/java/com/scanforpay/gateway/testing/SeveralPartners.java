package com.scanforpay.gateway.testing;

import com.scanforpay.gateway.sandbox.SandboxSettings;
import com.scanforpay.gateway.sandbox.ScanForPaySandbox;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The test stack's partner (the default: {@link GatewayTestStack#PARTNER_NO}, its sandbox) plus a second partner,
 * {@value #PARTNER_B}, whose provider is a second sandbox with its own partnerNo and key; its key comes from a file,
 * as a mounted secret would. Store {@value #STORE_B} belongs to partner B, {@value #STORE_A2} (like the default
 * store) to the default partner; any other store is unknown. Without notifyUrl, like {@link WithoutNotifyUrl}: the
 * tests post the notifications themselves.
 */
public class SeveralPartners implements QuarkusTestProfile {

    public static final String PARTNER_B = "osaka";
    public static final String PARTNER_NO_B = "20002";
    public static final String SIGN_KEY_B = "test-sign-key-b-91d3";
    public static final String STORE_B = "200020000000001";
    public static final String STORE_A2 = "100010000000003";

    private static ScanForPaySandbox sandboxB;

    /** Partner B's provider: answers only partnerNo {@value #PARTNER_NO_B} signed with B's key. */
    public static synchronized ScanForPaySandbox sandboxB() {
        if (sandboxB == null) {
            sandboxB = ScanForPaySandbox.start(SandboxSettings.defaults(PARTNER_NO_B, SIGN_KEY_B)
                    .withLatency(Duration.ofMillis(50))
                    .withWaitingResolvesAfter(Duration.ofMillis(500)));
        }
        return sandboxB;
    }

    /**
     * Stops partner B's provider; the test class calls it when done. Not a shutdown hook: the sandbox is started
     * from here, in the application's class loader, and its Vert.x cannot close once that loader is closed.
     */
    public static synchronized void closeSandboxB() {
        if (sandboxB != null) {
            sandboxB.close();
            sandboxB = null;
        }
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "scanforpay.notify-url", "",
                "scanforpay.partners." + PARTNER_B + ".partner-no", PARTNER_NO_B,
                "scanforpay.partners." + PARTNER_B + ".sign-key-file", keyFile().toString(),
                "scanforpay.partners." + PARTNER_B + ".base-url", sandboxB().baseUrl(),
                "scanforpay.stores.\"" + STORE_B + "\".partner", PARTNER_B,
                "scanforpay.stores.\"" + STORE_A2 + "\".partner", "default");
    }

    /** B's key as a mounted secret: a file, with the trailing newline such files often have. */
    private static Path keyFile() {
        try {
            Path file = Files.createTempFile("scanforpay-partner-b", ".key");
            file.toFile().deleteOnExit();
            return Files.writeString(file, SIGN_KEY_B + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
