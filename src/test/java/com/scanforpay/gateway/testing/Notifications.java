package com.scanforpay.gateway.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.scanforpay.gateway.provider.OrderResult;
import com.scanforpay.gateway.provider.ScanForPayEnvelope;
import com.scanforpay.gateway.provider.ScanForPaySigner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Notify callbacks as ScanForPay sends them (signed response envelopes), posted over real HTTP. */
public final class Notifications {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final ScanForPayEnvelope envelope;
    private final String partnerNo;

    public Notifications(String partnerNo, String signKey) {
        this.partnerNo = partnerNo;
        this.envelope = new ScanForPayEnvelope(new ObjectMapper(), new ScanForPaySigner(signKey));
    }

    /** A test-stack notification: the stack's partner and key. */
    public static Notifications ofTestStack() {
        return new Notifications(GatewayTestStack.PARTNER_NO, GatewayTestStack.SIGN_KEY);
    }

    public byte[] signed(String partnerOrderNo, int status, Integer amount) {
        return signed(new OrderResult(1, "success", "SFP" + Math.abs(partnerOrderNo.hashCode()), partnerOrderNo,
                amount, "Alipay", status, "2026-11-26T10:00:00+08:00", "JPY", "cd****@qq.com", "208xxxxxxxxxx012"));
    }

    public byte[] signed(OrderResult body) {
        // the header of docs/provider-protocol.md §2 as the provider sends it: the gateway's ResponseHeader record would add a
        // "respMsgId":null the provider never sends
        Map<String, String> header = new LinkedHashMap<>();
        header.put("partnerNo", partnerNo);
        header.put("respTime", OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString());
        header.put("signType", "SHA256");
        header.put("version", "1.0");
        header.put("reqMsgId", UUID.randomUUID().toString().replace("-", ""));
        return envelope.seal(ScanForPayEnvelope.RESPONSE, header, body).bytes();
    }

    public static String get(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static HttpResponse<String> post(String url, byte[] body) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
