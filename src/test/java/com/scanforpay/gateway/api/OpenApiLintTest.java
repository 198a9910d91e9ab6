package com.scanforpay.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.scanforpay.gateway.contract.Redocly;
import com.scanforpay.gateway.testing.GatewayTestStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document passes {@code redocly lint} with the recommended rules, as client generators need it: a
 * server, an operationId on every operation. Linted as Quarkus writes it while building this test's application
 * ({@code quarkus.smallrye-openapi.store-schema-directory}): the annotations merged with META-INF/openapi.yaml,
 * the document /q/openapi serves, read without asking any port for it.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestStack.class)
class OpenApiLintTest {

    private static final Path STORED = Path.of("target", "openapi", "openapi.json");

    @Test
    void theBuiltOpenApiDocumentPassesRedoclyLint() throws Exception {
        assertTrue(Files.exists(STORED), STORED.toAbsolutePath() + " missing: is "
                + "quarkus.smallrye-openapi.store-schema-directory still target/openapi?");
        // written by this JVM's Quarkus build, not left over from an older one
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        assertTrue(Files.getLastModifiedTime(STORED).toMillis() >= jvmStart - 1000,
                STORED + " is older than this test run");

        JsonNode document = new ObjectMapper().readTree(STORED.toFile());
        Map<String, String> operationIds = new TreeMap<>();
        document.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(
                operation -> operationIds.put(operation.getKey() + " " + path.getKey(),
                        operation.getValue().path("operationId").asText(null))));
        assertEquals(Map.of("get /payments/{partnerOrderNo}", "getPayment",
                "get /payments/{partnerOrderNo}/refunds/{refundNo}", "getRefund", "post /payments", "pay",
                "post /payments/{partnerOrderNo}/refunds", "refund", "post /scanforpay/notify", "notify"),
                operationIds, "every operation, the notify route's from META-INF/openapi.yaml included");
        assertFalse(document.path("servers").isEmpty(), document.path("servers").toString());

        Redocly.lint(STORED).assertPasses(STORED.toString());
    }
}
