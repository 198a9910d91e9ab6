package com.scanforpay.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The payments API over real HTTP (java.net.http), for the tests. */
final class ApiClient {

    static final ObjectMapper JSON = new ObjectMapper();
    /** Longer than any wait a test asks for ({@code ?wait=} at most 30 s) and the request timeout. */
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(90);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String apiKey;

    ApiClient(String base, String apiKey) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.apiKey = apiKey;
    }

    record Answer(int status, String body, HttpResponse<String> response) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }

        String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }
    }

    Answer post(String path, String body) {
        return postAsync(path, body).join();
    }

    CompletableFuture<Answer> postAsync(String path, String body) {
        return send(request(path).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json"));
    }

    Answer get(String path) {
        return send(request(path).GET()).join();
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (apiKey != null) {
            builder.header("Authorization", "Bearer " + apiKey);
        }
        return builder;
    }

    private CompletableFuture<Answer> send(HttpRequest.Builder request) {
        HttpRequest built = request.build();
        // the request timeout ends only the wait for the headers: a body that never ends would wait forever
        return http.sendAsync(built, HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> new Answer(response.statusCode(), response.body(), response))
                .orTimeout(ANSWER_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                .exceptionally(failure -> {
                    throw new IllegalStateException("no complete answer to " + built.method() + " " + built.uri()
                            + " within " + ANSWER_TIMEOUT + ": " + failure, failure);
                });
    }
}
