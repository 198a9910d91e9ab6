package com.scanforpay.gateway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.scanforpay.gateway.config.ScanForPayConfig;
import com.scanforpay.gateway.ledger.Admission;
import com.scanforpay.gateway.ledger.LedgerEntry;
import com.scanforpay.gateway.ledger.LedgerException;
import com.scanforpay.gateway.ledger.PaymentLedger;
import com.scanforpay.gateway.ledger.PaymentState;
import com.scanforpay.gateway.ledger.RefundEntry;
import com.scanforpay.gateway.ledger.RefundLedger;
import com.scanforpay.gateway.payment.CommandType;
import com.scanforpay.gateway.command.FieldError;
import com.scanforpay.gateway.payment.Outcome;
import com.scanforpay.gateway.command.ParsedCommand;
import com.scanforpay.gateway.payment.PaymentCommand;
import com.scanforpay.gateway.command.PaymentCommandParser;
import com.scanforpay.gateway.payment.PaymentResult;
import com.scanforpay.gateway.payment.StoredJson;
import com.scanforpay.gateway.publishing.PaymentResults;
import com.scanforpay.gateway.payment.PaymentStateMachine;
import com.scanforpay.gateway.payment.ResultSource;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The payments API for tills that speak HTTP but not Kafka. A request becomes the same command a Kafka producer
 * would send (validated by the same parser, published to the commands topic), so the same flow, ledger and rules
 * pay it; nothing is paid by a second path.
 *
 * <p>Waiting ({@code ?wait=30s}) holds no thread: the request is a future in {@link ResultWaiters}, completed
 * from the results topic ({@link ApiRoutes}) or, when the wait is over, answered from the ledger ({@code 200} if
 * final by then, else {@code 202}). Resource methods run on a worker thread ({@code @Blocking}: they read the
 * ledger over JDBC) and return at once; the response follows when the future completes.
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
                examples = @ExampleObject(name = "unauthorized", value = PaymentsResource.UNAUTHORIZED_EXAMPLE)))
@APIResponse(responseCode = "500", description = "An unexpected failure, logged; the problem tells nothing of it",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class PaymentsResource {

    private static final Logger LOG = Logger.getLogger(PaymentsResource.class);
    /** partnerOrderNo and refundNo: the parser's limits for them in commands (PROTOCOL.md). */
    private static final int IDENTIFIER_MAX = 32;
    private static final Pattern IDENTIFIER = Pattern.compile("[\\x21-\\x7E]{1," + IDENTIFIER_MAX + "}");

    static final String PAY_EXAMPLE = """
            {"partnerOrderNo":"till7-000123","barcode":"284447106610060508","orderAmount":2100,\
            "orderTitle":"Coffee","terminalNo":"till-7"}""";
    static final String RESULT_EXAMPLE = """
            {"partnerOrderNo":"till7-000123","type":"PAY","outcome":"SUCCESS","source":"PAY_RESPONSE","code":1,\
            "msg":"success","status":1,"orderNo":"2018072518060757","orderAmount":2100,"currency":"JPY",\
            "wallet":"Alipay","payTime":"2018-07-25T18:06:12+08:00","reqMsgId":"6b0c…",\
            "timestamp":"2026-11-25T20:06:12.345Z"}""";
    static final String ACCEPTED_EXAMPLE = """
            {"partnerOrderNo":"till7-000123","location":"/payments/till7-000123"}""";
    static final String INVALID_EXAMPLE = """
            {"type":"urn:scanforpay:problem:invalid-command","title":"The command is invalid","status":400,\
            "detail":"barcode: is required; orderAmount: must be a positive whole number of the currency's smallest \
            unit, at most 2147483647","errors":[{"field":"barcode","message":"is required"},{"field":"orderAmount",\
            "message":"must be a positive whole number of the currency's smallest unit, at most 2147483647"}]}""";
    static final String CONFLICT_EXAMPLE = """
            {"type":"urn:scanforpay:problem:order-conflict","title":"The order number is used by another payment",\
            "status":409,"detail":"partnerOrderNo till7-000123 is already used by a payment of 2100, not 2500",\
            "errors":[{"field":"orderAmount","message":"partnerOrderNo till7-000123 is already used by a payment \
            of 2100, not 2500"}]}""";
    static final String UNAUTHORIZED_EXAMPLE = """
            {"type":"urn:scanforpay:problem:unauthorized","title":"Unauthorized","status":401,\
            "detail":"a valid API key is required: Authorization: Bearer <key>"}""";
    static final String FORBIDDEN_EXAMPLE = """
            {"type":"urn:scanforpay:problem:forbidden","title":"Forbidden","status":403,\
            "detail":"API key till7 does not act for this order's store"}""";
    static final String REFUND_REFUSED_EXAMPLE = """
            {"type":"urn:scanforpay:problem:refund-refused","title":"The refund is refused","status":409,\
            "detail":"refunds of order till7-000123 would exceed the paid amount 2100: 600 already refunded or in \
            progress","errors":[{"field":"orderAmount","message":"refunds of order till7-000123 would exceed the paid \
            amount 2100: 600 already refunded or in progress"}]}""";
    static final String VIEW_EXAMPLE = """
            {"partnerOrderNo":"till7-000123","state":"SUCCESS","orderAmount":2100,"refundedAmount":0,\
            "providerOrderNo":"2018072518060757","result":""" + RESULT_EXAMPLE + "}";
    static final String REFUND_EXAMPLE = """
            {"refundNo":"till7-r-0001","orderAmount":600}""";
    static final String REFUND_RESULT_EXAMPLE = """
            {"partnerOrderNo":"till7-000123","type":"REFUND","outcome":"SUCCESS","source":"REFUND_RESPONSE",\
            "code":1,"msg":"success","status":1,"orderAmount":600,"currency":"JPY","refundNo":"till7-r-0001",\
            "reqMsgId":"…","timestamp":"2026-11-25T20:07:02.001Z"}""";

    @Inject
    PaymentCommandParser parser;
    @Inject
    PaymentLedger ledger;
    @Inject
    RefundLedger refunds;
    @Inject
    PaymentStateMachine machine;
    @Inject
    PaymentResults results;
    @Inject
    ResultWaiters waiters;
    @Inject
    ProducerTemplate producer;
    @Inject
    ObjectMapper mapper;
    @Inject
    StoredJson stored;
    @Inject
    ApiConfig config;
    @Inject
    ScanForPayConfig gateway;
    @Inject
    CurrentCaller current;

    @POST
    @Blocking
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
    @APIResponse(responseCode = "200", description = "The payment's final result (CONTRACT.md §3)",
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
    public CompletionStage<Response> pay(
            @Parameter(description = "How long to wait for the final result (e.g. 30s, 500ms, PT30S), capped by "
                    + "scanforpay.api.max-wait; absent: answer 202 at once",
                    schema = @Schema(type = SchemaType.STRING), example = "30s") @QueryParam("wait") String wait,
            byte[] body) {
        Checked request = check(wait, body);
        if (request.problem() != null) {
            return done(request.problem());
        }
        Duration waitFor = request.waitFor();
        PaymentCommand command = request.command();
        if (command.type() != CommandType.PAY) {
            String message = "must be PAY (or absent) here; refunds: POST /payments/{partnerOrderNo}/refunds, "
                    + "queries: GET /payments/{partnerOrderNo}?refresh=true";
            return done(Problem.invalidCommand("type: " + message, List.of(new FieldError("type", message)))
                    .response());
        }
        ApiCaller caller = current.get();
        String order = command.partnerOrderNo();
        String what = "POST /payments " + order;
        Optional<LedgerEntry> existing = ledger.find(order);
        // the command's store, and the ledger's when the order number is already used (before any 409, which
        // would tell the other store's amount)
        Optional<Response> forbidden = forbidden(caller, what, command.storeNo())
                .or(() -> existing.flatMap(entry -> forbidden(caller, what, entry.storeNo())));
        if (forbidden.isPresent()) {
            return done(forbidden.get());
        }
        Response accepted = accepted(order, null, location(order));
        Supplier<Optional<Response>> settled = () -> ledger.find(order).flatMap(entry -> forbidden(caller, what,
                entry.storeNo()).or(() -> payAnswer(entry, command)));
        // Validated above, this command can only be REJECTED by the flow as a conflict: the ledger then holds
        // another payment under this order number, and the rejection carries this command's amount. Any other
        // REJECTED for the order (an invalid command, another conflicting one) belongs to another command, while
        // this payment goes on. Another store's payment may have taken the order number meanwhile (with the same
        // amount and barcode, the flow takes this command as its repeat): its result is not for a key of this store.
        // A result under this order number answers this till only if the ledger's payment is this command's (same
        // amount and barcode): another command for the number may have got there first, and its SUCCESS must never
        // tell this cashier "paid" for a barcode nobody charged.
        Predicate<PaymentResult> ours = result -> {
            Optional<LedgerEntry> payment = ledger.find(order);
            boolean ourPayment = payment.isPresent()
                    && PaymentLedger.conflict(payment.get(), command.orderAmount(), command.barcode()).isEmpty();
            return result.outcome() != Outcome.REJECTED
                    ? ourPayment && (caller.allStores() || caller.actsFor(payment.get().storeNo()))
                    : Objects.equals(result.orderAmount(), command.orderAmount()) && payment.isPresent() && !ourPayment;
        };
        if (existing.isPresent()) {
            Optional<Response> answer = payAnswer(existing.get(), command);
            // in progress: never published again, the flow already has it
            return answer.isPresent() ? done(answer.get())
                    : await(ResultWaiters.payKey(order), ours, waitFor, settled, accepted);
        }
        return submitAndAwait(what, order, body, ResultWaiters.payKey(order), ours, waitFor, settled, accepted,
                "the payment could not be handed to Kafka; nothing was charged, send it again");
    }

    @GET
    @Path("{partnerOrderNo}")
    @Blocking
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
    public CompletionStage<Response> get(@PathParam("partnerOrderNo") String order,
            @Parameter(description = "Query the provider first") @QueryParam("refresh") boolean refresh) {
        Optional<Response> invalid = invalidPath("partnerOrderNo", order);
        if (invalid.isPresent()) {
            return done(invalid.get());
        }
        Optional<LedgerEntry> entry = ledger.find(order);
        if (entry.isEmpty()) {
            return done(Problem.notFound("no payment " + order + " in the ledger").response());
        }
        Optional<Response> forbidden = forbidden(current.get(), "GET /payments/" + order, entry.get().storeNo());
        if (forbidden.isPresent()) {
            return done(forbidden.get());
        }
        if (!refresh) {
            return done(json(200, view(entry.get(), null)));
        }
        CompletableFuture<PaymentResult> waiter = waiters.register(ResultWaiters.queryKey(order));
        ObjectNode query = mapper.createObjectNode().put("type", "QUERY").put("partnerOrderNo", order);
        if (entry.get().storeNo() != null) {
            query.put("storeNo", entry.get().storeNo());
        }
        return submit(order, bytes(query)).thenCompose(failure -> {
            if (failure != null) {
                waiter.cancel(false);
                return done(Problem.unavailable("the query could not be handed to Kafka").response());
            }
            return waiter.completeOnTimeout(null, config.refreshWait().toMillis(), TimeUnit.MILLISECONDS)
                    .thenApplyAsync(answer -> ledger.find(order).map(now -> json(200, view(now, answer)))
                            .orElseGet(() -> Problem.notFound("no payment " + order + " in the ledger").response()),
                            Infrastructure.getDefaultWorkerPool());
        });
    }

    @POST
    @Path("{partnerOrderNo}/refunds")
    @Blocking
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
    public CompletionStage<Response> refund(@PathParam("partnerOrderNo") String order,
            @Parameter(description = "How long to wait for the final result, as for payments",
                    schema = @Schema(type = SchemaType.STRING), example = "30s") @QueryParam("wait") String wait,
            byte[] body) {
        ApiCaller caller = current.get();
        if (!caller.mayRefund()) {
            // before anything else, the path too (not logged: not checked yet): the key learns nothing of the order
            LOG.infof("POST /payments/…/refunds refused: %s may not refund", caller.label());
            return done(Problem.forbidden(caller.label() + " may not refund: refunds need scanforpay.api.refunds.\""
                    + caller.name() + "\"=true").response());
        }
        Optional<Response> invalid = invalidPath("partnerOrderNo", order);
        if (invalid.isPresent()) {
            return done(invalid.get());
        }
        byte[] command = refundCommand(order, body);
        Checked request = check(wait, command);
        if (request.problem() != null) {
            return done(request.problem());
        }
        Duration waitFor = request.waitFor();
        PaymentCommand refund = request.command();
        String refundNo = refund.refundNo();
        Optional<LedgerEntry> payment = ledger.find(order);
        if (payment.isEmpty() && !gateway.refund().unknownOrders()) {
            return done(Problem.notFound("partnerOrderNo", "no payment " + order + " in the ledger: only orders "
                    + "paid through the gateway are refunded (scanforpay.refund.unknown-orders)").response());
        }
        // an order the ledger does not know has no store to check: only a key of every store refunds it
        Optional<Response> forbidden = forbidden(caller, "POST /payments/" + order + "/refunds",
                payment.map(LedgerEntry::storeNo).orElse(null));
        if (forbidden.isPresent()) {
            return done(forbidden.get());
        }
        Response accepted = accepted(order, refundNo, location(order, refundNo));
        Predicate<RefundEntry> thisRefund = entry -> entry.partnerOrderNo().equals(order)
                && entry.amount() == refund.orderAmount();
        Supplier<Optional<Response>> settled = () -> refunds.findRefund(refundNo)
                .flatMap(entry -> refundAnswer(entry, thisRefund));
        // as for payments: a REJECTED under this refundNo is this request's only if it is for this order and amount
        // Under this refundNo only this refund's own results: another order's refund with the same number (the
        // loser is refused) never answers this till, nor shows it another order's refund.
        Predicate<PaymentResult> ours = result -> order.equals(result.partnerOrderNo())
                && Objects.equals(result.orderAmount(), refund.orderAmount());
        Optional<RefundEntry> existing = refunds.findRefund(refundNo);
        if (existing.isPresent()) {
            Optional<Response> answer = refundAnswer(existing.get(), thisRefund);
            return answer.isPresent() ? done(answer.get())
                    : await(ResultWaiters.refundKey(refundNo), ours, waitFor, settled, accepted);
        }
        return submitAndAwait("POST /payments/" + order + "/refunds " + refundNo, order, command,
                ResultWaiters.refundKey(refundNo), ours, waitFor, settled, accepted,
                "the refund could not be handed to Kafka; nothing was refunded, send it again");
    }

    @GET
    @Path("{partnerOrderNo}/refunds/{refundNo}")
    @Blocking
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
    public Response refundState(@PathParam("partnerOrderNo") String order, @PathParam("refundNo") String refundNo) {
        Optional<Response> invalid = invalidPath("partnerOrderNo", order).or(() -> invalidPath("refundNo", refundNo));
        if (invalid.isPresent()) {
            return invalid.get();
        }
        Optional<LedgerEntry> payment = ledger.find(order);
        Optional<RefundEntry> refund = refunds.findRefund(refundNo)
                .filter(entry -> entry.partnerOrderNo().equals(order));
        Response notFound = Problem.notFound("no refund " + refundNo + " of payment " + order + " in the ledger")
                .response();
        if (payment.isEmpty() && refund.isEmpty()) {
            return notFound;
        }
        // a refund of an order the ledger does not know: only a key of every store reads it
        return forbidden(current.get(), "GET /payments/" + order + "/refunds/" + refundNo,
                payment.map(LedgerEntry::storeNo).orElse(null))
                .or(() -> refund.map(entry -> json(200, new RefundView(entry.refundNo(), entry.partnerOrderNo(),
                        entry.state(), entry.amount(), finalResult(entry).orElse(null)))))
                .orElse(notFound);
    }

    @ServerExceptionMapper
    Response ledgerUnavailable(LedgerException e) {
        LOG.warnf("Payments API: ledger unavailable: %s", e.getMessage());
        return Problem.unavailable("the payment ledger cannot be reached now; try again").response();
    }

    /** Anything else: a 500 problem that tells nothing of the failure, which is logged (never a request body). */
    @ServerExceptionMapper
    Response unexpected(Exception e, ContainerRequestContext request) {
        return unexpected(e, request.getMethod() + " " + request.getUriInfo().getRequestUri().getRawPath());
    }

    Response unexpected(Throwable e, String request) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof LedgerException ledgerDown) {
            return ledgerUnavailable(ledgerDown);
        }
        if (cause instanceof WebApplicationException web && web.getResponse().getStatus() < 500) {
            // JAX-RS's own refusal of the request (e.g. a parameter it cannot convert), as a problem
            Response.StatusType status = web.getResponse().getStatusInfo();
            return new Problem("urn:scanforpay:problem:invalid-request", status.getReasonPhrase(),
                    status.getStatusCode(), status.getReasonPhrase(), null).response();
        }
        LOG.errorf(cause, "Payments API: %s failed unexpectedly", request);
        return Problem.internalError().response();
    }

    /**
     * Publishes a new command and answers as {@link #await} does, or {@code accepted} at once without a wait; 503
     * with {@code unavailable} when Kafka did not take it. The waiter is registered before publishing: the result
     * may be quick.
     */
    private CompletionStage<Response> submitAndAwait(String request, String order, byte[] command, String key,
            Predicate<PaymentResult> ours, Duration wait, Supplier<Optional<Response>> settled, Response accepted,
            String unavailable) {
        CompletableFuture<PaymentResult> waiter = wait.isZero() ? null : waiters.register(key, ours);
        return submit(order, command).thenCompose(failure -> {
            if (failure != null) {
                if (waiter != null) {
                    waiter.cancel(false);
                }
                LOG.warnf("%s not published: %s", request, failure.toString());
                return done(Problem.unavailable(unavailable).response());
            }
            LOG.infof("%s published", request);
            return waiter == null ? done(accepted) : await(waiter, wait, settled, accepted);
        });
    }

    /** Waits on a new waiter for {@code key}, after checking the ledger once more (the result may be there). */
    private CompletionStage<Response> await(String key, Predicate<PaymentResult> ours, Duration wait,
            Supplier<Optional<Response>> settled, Response accepted) {
        if (wait.isZero()) {
            return done(accepted);
        }
        return await(waiters.register(key, ours), wait, settled, accepted);
    }

    /**
     * Completes with 200 and the result as soon as {@code waiter} gets one. A REJECTED result, or the end of the
     * wait, is settled by the ledger: 409 if the order (or refundNo) turned out to be another command's, 200 if the
     * result is final there (one published before this instance's results consumer was assigned is found there),
     * else the REJECTED result as a 409 problem (never a 200), or {@code accepted}.
     */
    private CompletionStage<Response> await(CompletableFuture<PaymentResult> waiter, Duration wait,
            Supplier<Optional<Response>> settled, Response accepted) {
        Optional<Response> now = settled.get();
        if (now.isPresent()) {
            waiter.cancel(false);
            return done(now.get());
        }
        return waiter.completeOnTimeout(null, wait.toMillis(), TimeUnit.MILLISECONDS).thenCompose(result -> {
            if (result != null && result.outcome() != Outcome.REJECTED) {
                return done(answer(result));
            }
            // completed on the JDK's delay thread or the results consumer: the ledger (JDBC) is read on a worker
            return CompletableFuture.supplyAsync(() -> settled.get().orElseGet(() -> result != null ? answer(result)
                    : accepted), Infrastructure.getDefaultWorkerPool());
        });
    }

    /** The ledger's answer to a PAY request: 409 if the order is another payment's, else its final result if any. */
    private Optional<Response> payAnswer(LedgerEntry entry, PaymentCommand command) {
        Optional<Admission.Conflict> conflict = PaymentLedger.conflict(entry, command.orderAmount(),
                command.barcode());
        if (conflict.isPresent()) {
            LOG.infof("POST /payments %s refused: %s", entry.partnerOrderNo(), conflict.get().message());
            return Optional.of(Problem.conflict(conflict.get().field(), conflict.get().message()).response());
        }
        return finalResult(entry).map(this::answer);
    }

    /** The ledger's answer to a refund request: 409 if the refundNo is another refund's, else its final result. */
    private Optional<Response> refundAnswer(RefundEntry entry, Predicate<RefundEntry> thisRefund) {
        if (!thisRefund.test(entry)) {
            return Optional.of(Problem.conflict("refundNo", "refundNo " + entry.refundNo()
                    + " was already used for another refund").response());
        }
        return finalResult(entry).map(this::answer);
    }

    /** The refund's final REFUND result, if it has one. */
    private Optional<PaymentResult> finalResult(RefundEntry entry) {
        return Optional.ofNullable(entry.finalResult()).map(stored::result)
                .filter(result -> ResultWaiters.FINAL_REFUND.contains(result.outcome()));
    }

    /** Hands a command to the commands topic; completes with null once Kafka acknowledged it, else the failure. */
    private CompletableFuture<Throwable> submit(String partnerOrderNo, byte[] command) {
        return producer.asyncSend(ApiRoutes.SUBMIT, exchange -> {
            exchange.getMessage().setHeader(KafkaConstants.KEY, partnerOrderNo);
            exchange.getMessage().setBody(command);
        }).handle((Exchange exchange, Throwable failure) -> failure != null ? failure : exchange.getException());
    }

    /** The REFUND command for {@code order}: the body's fields, with the type and order of the path. */
    private byte[] refundCommand(String order, byte[] body) {
        return parser.asRefundOf(order, body); // an unreadable body comes back as it is: the parser names the problem
    }

    /** The payment's final outcome, if it has one: its stored final result, or UNKNOWN. */
    private Optional<PaymentResult> finalResult(LedgerEntry entry) {
        if (entry.state().isFinal() && entry.finalResult() != null) {
            return Optional.of(machine.storedResult(entry));
        }
        if (entry.state() == PaymentState.UNKNOWN) {
            PaymentCommand payment = new PaymentCommand(CommandType.PAY, entry.storeNo(), entry.partnerOrderNo(),
                    null, null, entry.orderAmount(), null, null, null, null);
            return Optional.of(results.unknown(payment, ResultSource.QUERY, "outcome unknown at the deadline: "
                    + entry.lastReason(), null));
        }
        return Optional.empty();
    }

    private PaymentView view(LedgerEntry entry, PaymentResult query) {
        PaymentResult result = entry.state().isFinal() || entry.state() == PaymentState.UNKNOWN
                ? finalResult(entry).orElse(null) : null;
        return new PaymentView(entry.partnerOrderNo(), entry.state(), entry.orderAmount(), entry.refundedAmount(),
                entry.providerOrderNo(), result, query);
    }

    /** A request's wait and command, both valid; or the 400 problem naming what is not. */
    private record Checked(Duration waitFor, PaymentCommand command, Response problem) {
    }

    /** Checks {@code ?wait=} and the command exactly as the Kafka path checks commands (the same parser). */
    private Checked check(String wait, byte[] command) {
        Duration waitFor;
        try {
            waitFor = waitParameter(wait);
        } catch (IllegalArgumentException e) {
            return new Checked(null, null, Problem.invalidParameter("wait", e.getMessage()).response());
        }
        ParsedCommand parsed = parser.parse(command);
        if (parsed instanceof ParsedCommand.Rejected rejected) {
            return new Checked(null, null, Problem.rejectedCommand(rejected).response());
        }
        return new Checked(waitFor, ((ParsedCommand.Accepted) parsed).command(), null);
    }

    /** {@code ?wait=}: absent means no wait; else a Quarkus duration ({@code 30s}, {@code 500ms}, {@code PT30S}). */
    private Duration waitParameter(String wait) {
        if (wait == null || wait.isBlank()) {
            return Duration.ZERO;
        }
        Duration duration;
        try {
            duration = DurationConverter.parseDuration(wait.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("must be a duration such as 30s, 500ms or PT30S");
        }
        if (duration == null || duration.isNegative()) {
            throw new IllegalArgumentException("must be a duration such as 30s, 500ms or PT30S, not negative");
        }
        return duration.compareTo(config.maxWait()) > 0 ? config.maxWait() : duration;
    }

    /** A final result: 200, except a REJECTED one, which is the gateway's refusal (409 with its errors). */
    private Response answer(PaymentResult result) {
        return result.outcome() == Outcome.REJECTED ? Problem.refused(result).response() : json(200, result);
    }

    /**
     * The one authorization check of every endpoint: nothing when {@code caller} acts for {@code storeNo} (the
     * order's; {@code null} when it cannot be known, which only a caller of every store passes), else the 403
     * problem, which tells nothing of the order.
     */
    private static Optional<Response> forbidden(ApiCaller caller, String request, String storeNo) {
        if (caller.actsFor(storeNo)) {
            return Optional.empty();
        }
        LOG.infof("%s refused: %s does not act for the order's store", request, caller.label());
        return Optional.of(Problem.forbidden(caller.label() + " does not act for this order's store").response());
    }

    /**
     * 400 naming {@code field} unless {@code value} is an order or refund number as commands have them: printable
     * ASCII without spaces, at most 32 characters. Anything else must not reach the database (PostgreSQL refuses
     * a NUL byte, which would answer 503).
     */
    static Optional<Response> invalidPath(String field, String value) {
        if (value != null && IDENTIFIER.matcher(value).matches()) {
            return Optional.empty();
        }
        return Optional.of(Problem.invalidParameter(field, "must be printable ASCII without spaces, at most "
                + IDENTIFIER_MAX + " characters").response());
    }

    private Response accepted(String order, String refundNo, String location) {
        return Response.fromResponse(json(202, new ApiSchemas.Accepted(order, refundNo, location)))
                .header(HttpHeaders.LOCATION, location).build();
    }

    private Response json(int status, Object entity) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(bytes(entity)).build();
    }

    private byte[] bytes(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    /** {@code /payments/{partnerOrderNo}}, the order number encoded as one path segment. */
    static String location(String partnerOrderNo) {
        return "/payments/" + segment(partnerOrderNo);
    }

    /** {@code /payments/{partnerOrderNo}/refunds/{refundNo}}. */
    static String location(String partnerOrderNo, String refundNo) {
        return location(partnerOrderNo) + "/refunds/" + segment(refundNo);
    }

    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static CompletionStage<Response> done(Response response) {
        return CompletableFuture.completedFuture(response);
    }
}
