package com.scanforpay.gateway.contract;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The message contract's JSON Schemas (docs/schemas, docs/contract.md §3 and §4), loaded once, with
 * format assertions on (draft 2020-12 makes {@code format} an annotation by default; a consumer's generated code
 * will check it).
 */
public final class MessageSchemas {

    public static final Path DOCS = Path.of("docs");

    /** The three message kinds of the contract and their schema files. */
    public enum Kind {
        COMMAND("payment-command.schema.json"),
        RESULT("payment-result.schema.json"),
        DEAD_LETTER_HEADERS("dead-letter-headers.schema.json");

        public final String file;

        Kind(String file) {
            this.file = file;
        }

        public Path path() {
            return DOCS.resolve("schemas").resolve(file);
        }
    }

    private static final Map<Kind, Schema> SCHEMAS = load();

    private MessageSchemas() {
    }

    private static Map<Kind, Schema> load() {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                builder -> builder.schemaRegistryConfig(SchemaRegistryConfig.builder()
                        .formatAssertionsEnabled(true).build()));
        Map<Kind, Schema> schemas = new EnumMap<>(Kind.class);
        for (Kind kind : Kind.values()) {
            try {
                schemas.put(kind, registry.getSchema(Files.readString(kind.path()), InputFormat.JSON));
            } catch (IOException e) {
                throw new UncheckedIOException("schema " + kind.path().toAbsolutePath()
                        + " (tests run from the project directory)", e);
            }
        }
        return schemas;
    }

    /** Every error of {@code json} against {@code kind}'s schema; empty when it is valid. */
    public static List<Error> errors(Kind kind, String json) {
        return SCHEMAS.get(kind).validate(json, InputFormat.JSON);
    }

    public static void assertValid(Kind kind, String json) {
        List<Error> errors = errors(kind, json);
        assertTrue(errors.isEmpty(), () -> kind + " " + json + " should validate against " + kind.file + ": "
                + errors);
    }

    /** Kafka headers (name to UTF-8 text) as the JSON object the dead-letter headers schema describes. */
    public static void assertValidHeaders(Map<String, String> headers) {
        try {
            assertValid(Kind.DEAD_LETTER_HEADERS, new ObjectMapper().writeValueAsString(headers));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void assertInvalid(Kind kind, String json) {
        assertFalse(errors(kind, json).isEmpty(), () -> kind + " " + json + " should not validate against "
                + kind.file);
    }
}
