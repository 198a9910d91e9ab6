package com.scanforpay.gateway.api;

import com.scanforpay.gateway.payment.PaymentResult;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The payments API as clients see it: paths, parameters, and the descriptions and examples of the OpenAPI document
 * (/q/openapi, merged with META-INF/openapi.yaml), apart from {@link PaymentsResource} so the resource reads as what
 * it does. The JAX-RS annotations are here too: SmallRye OpenAPI reads an interface's documentation only from methods
 * that declare the resource. How a method runs ({@code @Blocking}) stays on the resource, where Quarkus REST reads it.
 */
@Path("/payments")
@Tag(name = "payments", description = "Barcode payments over HTTP: the same flow as the Kafka commands topic")
@SecurityScheme(securitySchemeName = "apiKey", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "Required by default (scanforpay.api.auth=keys): Authorization: Bearer <key> of a key configured "
                + "as scanforpay.api.keys.\"<name>\" (env SCANFORPAY_API_KEYS_<NAME>); without one, 401, also when no "
                + "key is configured. A key may be limited to stores (scanforpay.api.stores.\"<name>\", else 403 for "
                + "another store's order) and refunds only with scanforpay.api.refunds.\"<name>\"=true (else 403). "
                + "Not asked for only when SCANFORPAY_API_AUTH=none (a trusted network).")
@SecurityRequirement(name = "apiKey")
@APIResponse(responseCode = "401", description = "No configured API key was sent (Authorization: Bearer <key>); "
        + "always when none is configured, unless scanforpay.api.auth=none",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                examples = @ExampleObject(name = "unauthorized", value = PaymentsApi.UNAUTHORIZED_EXAMPLE)))
@APIResponse(responseCode = "500", description = "An unexpected failure, logged; the problem tells nothing of it",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public interface PaymentsApi {

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(operationId = "pay", summary = "Pay with a customer's barcode",
            description = "Publishes a PAY command (validated exactly as on Kafka) unless the order is known. The "
                    + "same partnerOrderNo with the same amount and barcode answers the existing payment and is "
                    + "never charged again; with another amount or barcode: 409. With ?wait=, answers 200 with the "
                    + "result as soon as the payment is final (SUCCESS, FAILED, REFUNDED, UNKNOWN), else 202 when "
                    + "the wait is over; poll the Location then.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ApiSchemas.PayCommand.class),
            examples = @ExampleObject(name = "pay", value = PAY_EXAMPLE)))
    @APIResponse(responseCode = "200", description = "The payment's final result (docs/contract.md §3.2)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = PaymentResult.class),
                    examples = @ExampleObject(name = "paid", value = RESULT_EXAMPLE)))
    @APIResponse(responseCode = "202", description = "Taken, not final yet (or no wait): GET the Location",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ApiSchemas.Accepted.class),
                    examples = @ExampleObject(name = "accepted", value = ACCEPTED_EXAMPLE)))
    @APIResponse(responseCode = "400", description = "Invalid command or wait: every failing field",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "invalid", value = INVALID_EXAMPLE)))
    @APIResponse(responseCode = "403", description = "The key does not act for the command's store, or the "
            + "order number is another store's; nothing of that order is told",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "forbidden", value = FORBIDDEN_EXAMPLE)))
    @APIResponse(responseCode = "409", description = "partnerOrderNo already used with another amount or barcode",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "conflict", value = CONFLICT_EXAMPLE)))
    @APIResponse(responseCode = "413", description = "The command is larger than scanforpay.consumer.max-command-size",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "Kafka or the database cannot be reached now: retry",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    CompletionStage<Response> pay(
            @Parameter(description = "How long to wait for the final result (e.g. 30s, 500ms, PT30S), capped by "
                    + "scanforpay.api.max-wait; absent: answer 202 at once",
                    schema = @Schema(type = SchemaType.STRING), example = "30s") @QueryParam("wait") String wait,
            byte[] body);

    @GET
    @Path("{partnerOrderNo}")
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(operationId = "getPayment",
            summary = "A payment's state", description = "The payment as the ledger has it, with its final "
            + "result once it has one. With refresh=true the provider is queried first (a QUERY command through "
            + "the same flow, answer awaited up to scanforpay.api.refresh-wait) and its answer is returned as "
            + "`query`; the ledger itself is settled by the gateway's own queries and notifications.")
    @APIResponse(responseCode = "200", description = "The payment",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = PaymentView.class),
                    examples = @ExampleObject(name = "paid", value = VIEW_EXAMPLE)))
    @APIResponse(responseCode = "400", description = "partnerOrderNo is not printable ASCII without spaces, at most "
            + "32 characters",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "The key does not act for the order's store",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "forbidden", value = FORBIDDEN_EXAMPLE)))
    @APIResponse(responseCode = "404", description = "No such payment in the ledger",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    CompletionStage<Response> get(@PathParam("partnerOrderNo") String order,
            @Parameter(description = "Query the provider first") @QueryParam("refresh") boolean refresh);

    @POST
    @Path("{partnerOrderNo}/refunds")
    @Consumes(MediaType.WILDCARD)
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(operationId = "refund",
            summary = "Refund (part of) a payment", description = "Publishes a REFUND command for the order "
            + "in the path (the same rules as on Kafka: refused when the order is not paid or the refunds would "
            + "exceed the paid amount, 409; a repeated refundNo is never refunded again). ?wait= as for payments, "
            + "on the REFUND result with this refundNo. Needs a key with the refund permission "
            + "(scanforpay.api.refunds.\"<name>\"=true).")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ApiSchemas.RefundRequest.class),
            examples = @ExampleObject(name = "refund", value = REFUND_EXAMPLE)))
    @APIResponse(responseCode = "200", description = "The refund's final result: SUCCESS, FAILED (the provider "
            + "declined it) or UNKNOWN",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = PaymentResult.class),
                    examples = @ExampleObject(name = "refunded", value = REFUND_RESULT_EXAMPLE)))
    @APIResponse(responseCode = "202", description = "Taken, not final within the wait",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ApiSchemas.Accepted.class)))
    @APIResponse(responseCode = "400", description = "Invalid refund, wait or partnerOrderNo: every failing field",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "The key may not refund (checked first), or does not act for "
            + "the order's store (an order the ledger does not know: only a key of every store)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "forbidden", value = FORBIDDEN_EXAMPLE)))
    @APIResponse(responseCode = "404", description = "The ledger does not know the order (errors: partnerOrderNo), "
            + "unless scanforpay.refund.unknown-orders=true",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The ledger refuses the refund (type "
            + "urn:scanforpay:problem:refund-refused: the order is not paid, or the refunds would exceed the paid "
            + "amount; errors as in the REJECTED result), or the refundNo was already used for another refund",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "refused", value = REFUND_REFUSED_EXAMPLE)))
    @APIResponse(responseCode = "413", description = "The request is larger than scanforpay.consumer.max-command-size",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    CompletionStage<Response> refund(@PathParam("partnerOrderNo") String order,
            @Parameter(description = "How long to wait for the final result, as for payments",
                    schema = @Schema(type = SchemaType.STRING), example = "30s") @QueryParam("wait") String wait,
            byte[] body);

    @GET
    @Path("{partnerOrderNo}/refunds/{refundNo}")
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(operationId = "getRefund",
            summary = "A refund's state", description = "The refund as the ledger has it (where the Location "
            + "of a 202 to a refund points), with its result once final. A refund the ledger refused (REJECTED: "
            + "order not paid, refunds beyond the paid amount) is not kept: its answer was a 409.")
    @APIResponse(responseCode = "200", description = "The refund",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = RefundView.class)))
    @APIResponse(responseCode = "400", description = "partnerOrderNo or refundNo is not printable ASCII without "
            + "spaces, at most 32 characters",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "The key does not act for the order's store",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "forbidden", value = FORBIDDEN_EXAMPLE)))
    @APIResponse(responseCode = "404", description = "No such refund of this order in the ledger (not yet "
            + "processed, refused, or another order's)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    Response refundState(@PathParam("partnerOrderNo") String order, @PathParam("refundNo") String refundNo);

    // The examples of the document, as a client sends or receives them.
    String PAY_EXAMPLE = """
            {"partnerOrderNo":"till7-000123","barcode":"284447106610060508","orderAmount":2100,\
            "orderTitle":"Coffee","terminalNo":"till-7"}""";
    String RESULT_EXAMPLE = """
            {"partnerOrderNo":"till7-000123","type":"PAY","outcome":"SUCCESS","source":"PAY_RESPONSE","code":1,\
            "msg":"success","status":1,"orderNo":"2018072518060757","orderAmount":2100,"currency":"JPY",\
            "wallet":"Alipay","payTime":"2018-07-25T18:06:12+08:00","reqMsgId":"6b0c…",\
            "timestamp":"2026-11-25T20:06:12.345Z"}""";
    String ACCEPTED_EXAMPLE = """
            {"partnerOrderNo":"till7-000123","location":"/payments/till7-000123"}""";
    String INVALID_EXAMPLE = """
            {"type":"urn:scanforpay:problem:invalid-command","title":"The command is invalid","status":400,\
            "detail":"barcode: is required; orderAmount: must be a positive whole number of the currency's smallest \
            unit, at most 2147483647","errors":[{"field":"barcode","message":"is required"},{"field":"orderAmount",\
            "message":"must be a positive whole number of the currency's smallest unit, at most 2147483647"}]}""";
    String CONFLICT_EXAMPLE = """
            {"type":"urn:scanforpay:problem:order-conflict","title":"The order number is used by another payment",\
            "status":409,"detail":"partnerOrderNo till7-000123 is already used by a payment of 2100, not 2500",\
            "errors":[{"field":"orderAmount","message":"partnerOrderNo till7-000123 is already used by a payment \
            of 2100, not 2500"}]}""";
    String UNAUTHORIZED_EXAMPLE = """
            {"type":"urn:scanforpay:problem:unauthorized","title":"Unauthorized","status":401,\
            "detail":"a valid API key is required: Authorization: Bearer <key>"}""";
    String FORBIDDEN_EXAMPLE = """
            {"type":"urn:scanforpay:problem:forbidden","title":"Forbidden","status":403,\
            "detail":"API key till7 does not act for this order's store"}""";
    String REFUND_REFUSED_EXAMPLE = """
            {"type":"urn:scanforpay:problem:refund-refused","title":"The refund is refused","status":409,\
            "detail":"refunds of order till7-000123 would exceed the paid amount 2100: 600 already refunded or in \
            progress","errors":[{"field":"orderAmount","message":"refunds of order till7-000123 would exceed the paid \
            amount 2100: 600 already refunded or in progress"}]}""";
    String VIEW_EXAMPLE = """
            {"partnerOrderNo":"till7-000123","state":"SUCCESS","orderAmount":2100,"refundedAmount":0,\
            "providerOrderNo":"2018072518060757","result":""" + RESULT_EXAMPLE + "}";
    String REFUND_EXAMPLE = """
            {"refundNo":"till7-r-0001","orderAmount":600}""";
    String REFUND_RESULT_EXAMPLE = """
            {"partnerOrderNo":"till7-000123","type":"REFUND","outcome":"SUCCESS","source":"REFUND_RESPONSE",\
            "code":1,"msg":"success","status":1,"orderAmount":600,"currency":"JPY","refundNo":"till7-r-0001",\
            "reqMsgId":"…","timestamp":"2026-11-25T20:07:02.001Z"}""";
}
