package com.scanforpay.gateway.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * The gateway without {@code notifyUrl}: the sandbox then sends no notifications, so every result comes from the
 * pay path itself. Tests of that path use it; notifications would otherwise win the race for some outcomes.
 */
public class WithoutNotifyUrl implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("scanforpay.notify-url", "");
    }
}
