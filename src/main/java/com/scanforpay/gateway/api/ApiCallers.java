package com.scanforpay.gateway.api;

import com.scanforpay.gateway.api.ApiConfig.ApiAuth;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The callers {@code /payments} knows, by key ({@code scanforpay.api.keys}, {@code .stores}, {@code .refunds}), and
 * who presents an {@code Authorization} header. Keys are kept and compared as SHA-256 digests, in constant time
 * against every key, and never logged.
 */
@ApplicationScoped
public class ApiCallers {

    private static final Logger LOG = Logger.getLogger(ApiCallers.class);
    private static final String BEARER = "Bearer ";

    private record Known(byte[] digest, ApiCaller caller) {
    }

    @Inject
    ApiConfig config;

    private boolean open;
    private final List<Known> known = new ArrayList<>();

    @PostConstruct
    void readKeys() {
        open = config.auth() == ApiAuth.NONE;
        for (Map.Entry<String, ApiCaller> caller : ApiKeySettings.callers(config).entrySet()) {
            config.keys().get(caller.getKey()).ifPresent(key -> known.add(new Known(ApiKeySettings.digest(key),
                    caller.getValue())));
        }
    }

    /**
     * The caller whose key {@code authorization} ({@code Bearer <key>}) presents; empty when it presents none of
     * the configured keys. Anyone is {@link ApiCaller#OPEN} under {@code scanforpay.api.auth=none}.
     */
    public Optional<ApiCaller> identify(String authorization) {
        if (open) {
            return Optional.of(ApiCaller.OPEN);
        }
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.empty();
        }
        byte[] presented = ApiKeySettings.digest(authorization.substring(BEARER.length()));
        ApiCaller match = null;
        // no early exit: the time taken does not tell which key, or whether any, matched
        for (Known key : known) {
            if (MessageDigest.isEqual(key.digest(), presented)) {
                match = key.caller();
            }
        }
        return Optional.ofNullable(match);
    }

    void report(@Observes StartupEvent start) {
        if (open) {
            LOG.warn("scanforpay.api.auth=none: the payments API (/payments) is OPEN: anyone who can reach the HTTP "
                    + "port can pay, read and refund any order of any store. Use it only on a trusted network; "
                    + "otherwise set SCANFORPAY_API_AUTH=keys and configure API keys (docs/http-api.md §5)");
        } else if (known.isEmpty()) {
            LOG.warn("No API key is configured: /payments refuses every request (401). Configure one key per till "
                    + "with scanforpay.api.keys.\"<name>\"=<random key, at least " + ApiKeySettings.MIN_KEY_LENGTH
                    + " characters> (env SCANFORPAY_API_KEYS_<NAME>), or set SCANFORPAY_API_AUTH=none on a trusted "
                    + "network (docs/http-api.md §5)");
        }
        for (Known key : known) {
            ApiCaller caller = key.caller();
            LOG.infof("%s: %s, %s%s", caller.label(), caller.stores().map(stores -> "stores " + String.join(",",
                    stores.stream().sorted().toList())).orElse("every store"), caller.mayRefund() ? "refunds"
                    : "no refunds", open ? " (not asked for: scanforpay.api.auth=none)" : "");
        }
    }
}
