package com.scanforpay.gateway.api;

import com.scanforpay.gateway.command.FieldError;
import com.scanforpay.gateway.command.ParsedCommand;
import com.scanforpay.gateway.command.PaymentCommandParser;
import com.scanforpay.gateway.ledger.LedgerException;
import com.scanforpay.gateway.payment.CommandType;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The payments API for tills that speak HTTP but not Kafka ({@link PaymentsApi}: paths and documentation): checks the
 * parameters and what the caller's key may do, hands the request to {@link PaymentRequests}, and answers its decision
 * ({@link PaymentResponses}). Methods run on a worker thread ({@code @Blocking}: the ledger is read over JDBC) and
 * return at once; a waiting request's response follows when its future completes.
 */
public class PaymentsResource implements PaymentsApi {

    private static final Logger LOG = Logger.getLogger(PaymentsResource.class);
    /** partnerOrderNo and refundNo: the parser's limits for them in commands (docs/provider-protocol.md). */
    private static final int IDENTIFIER_MAX = 32;
    private static final Pattern IDENTIFIER = Pattern.compile("[\\x21-\\x7E]{1," + IDENTIFIER_MAX + "}");

    @Inject
    PaymentRequests payments;
    @Inject
    PaymentCommandParser parser;
    @Inject
    ApiConfig config;
    @Inject
    PaymentResponses responses;
    @Inject
    CurrentCaller current;

    @Override
    @Blocking
    public CompletionStage<Response> pay(String wait, byte[] body) {
        Checked request = check(wait, body);
        if (request.problem() != null) {
            return done(request.problem());
        }
        if (request.valid().command().type() != CommandType.PAY) {
            String message = "must be PAY (or absent) here; refunds: POST /payments/{partnerOrderNo}/refunds, "
                    + "queries: GET /payments/{partnerOrderNo}?refresh=true";
            return done(Problem.invalidCommand("type: " + message, List.of(new FieldError("type", message)))
                    .response());
        }
        ApiCaller caller = current.get();
        String what = "POST /payments " + request.valid().command().partnerOrderNo();
        return payments.pay(request.valid(), caller, what).thenApply(answer -> responses.of(answer, caller, what));
    }

    @Override
    @Blocking
    public CompletionStage<Response> get(String order, boolean refresh) {
        Optional<Response> invalid = invalidPath("partnerOrderNo", order);
        if (invalid.isPresent()) {
            return done(invalid.get());
        }
        ApiCaller caller = current.get();
        return payments.paymentState(order, refresh, caller)
                .thenApply(answer -> responses.of(answer, caller, "GET /payments/" + order));
    }

    @Override
    @Blocking
    public CompletionStage<Response> refund(String order, String wait, byte[] body) {
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
        // the body's fields, with the type and order of the path; an unreadable body comes back as it is, for the
        // parser to name the problem
        Checked request = check(wait, parser.asRefundOf(order, body));
        if (request.problem() != null) {
            return done(request.problem());
        }
        String what = "POST /payments/" + order + "/refunds";
        return payments.refund(request.valid(), caller, what + " " + request.valid().command().refundNo())
                .thenApply(answer -> responses.of(answer, caller, what));
    }

    @Override
    @Blocking
    public Response refundState(String order, String refundNo) {
        Optional<Response> invalid = invalidPath("partnerOrderNo", order).or(() -> invalidPath("refundNo", refundNo));
        if (invalid.isPresent()) {
            return invalid.get();
        }
        ApiCaller caller = current.get();
        return responses.of(payments.refundState(order, refundNo, caller), caller,
                "GET /payments/" + order + "/refunds/" + refundNo);
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
            return Problem.invalidRequest(web.getResponse().getStatusInfo()).response();
        }
        LOG.errorf(cause, "Payments API: %s failed unexpectedly", request);
        return Problem.internalError().response();
    }

    /** A request's wait and command, both valid; or the 400 (413) problem naming what is not. */
    private record Checked(PaymentRequests.Request valid, Response problem) {
    }

    /** Checks {@code ?wait=} and the command exactly as the Kafka path checks commands (the same parser). */
    private Checked check(String wait, byte[] command) {
        Duration waitFor;
        try {
            waitFor = waitParameter(wait);
        } catch (IllegalArgumentException e) {
            return new Checked(null, Problem.invalidParameter("wait", e.getMessage()).response());
        }
        ParsedCommand parsed = parser.parse(command);
        if (parsed instanceof ParsedCommand.Rejected rejected) {
            return new Checked(null, Problem.rejectedCommand(rejected).response());
        }
        return new Checked(new PaymentRequests.Request(((ParsedCommand.Accepted) parsed).command(), command, waitFor),
                null);
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

    /**
     * 400 naming {@code field} unless {@code value} is an order or refund number as commands have them: printable
     * ASCII without spaces, at most 32 characters. Anything else must not reach the database (PostgreSQL refuses
     * a NUL byte, which would answer 503).
     */
    private static Optional<Response> invalidPath(String field, String value) {
        if (value != null && IDENTIFIER.matcher(value).matches()) {
            return Optional.empty();
        }
        return Optional.of(Problem.invalidParameter(field, "must be printable ASCII without spaces, at most "
                + IDENTIFIER_MAX + " characters").response());
    }

    private static CompletionStage<Response> done(Response response) {
        return CompletableFuture.completedFuture(response);
    }
}
