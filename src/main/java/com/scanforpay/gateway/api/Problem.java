package com.scanforpay.gateway.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.scanforpay.gateway.payment.CommandType;
import com.scanforpay.gateway.command.FieldError;
import com.scanforpay.gateway.command.ParsedCommand;
import com.scanforpay.gateway.payment.PaymentResult;
import com.scanforpay.gateway.command.RejectionCode;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** An RFC 9457 problem document ({@code application/problem+json}); {@code errors} lists failing fields. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"type", "title", "status", "detail", "errors"})
@Schema(name = "Problem", description = "RFC 9457 problem details")
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORDER_CONFLICT = "urn:scanforpay:problem:order-conflict";
    private static final String ORDER_CONFLICT_TITLE = "The order number is used by another payment";

    /** The problem as a response, serialised here: always {@code application/problem+json}. */
    Response response() {
        return JsonResponses.of(JSON, status, MEDIA_TYPE, this);
    }

    static Problem invalidCommand(String detail, List<FieldError> errors) {
        return new Problem("urn:scanforpay:problem:invalid-command", "The command is invalid", 400, detail, errors);
    }

    /** A command the parser rejects: 413 when it is too large to be read, else 400 naming every failing field. */
    static Problem rejectedCommand(ParsedCommand.Rejected rejected) {
        if (rejected.code() == RejectionCode.TOO_LARGE) {
            return new Problem("urn:scanforpay:problem:too-large", "The command is too large", 413,
                    rejected.message(), rejected.errors());
        }
        return invalidCommand(rejected.message(), rejected.errors());
    }

    /**
     * A valid request the ledger refuses (its {@code REJECTED} result): 409 with the result's errors. A refund: over
     * the paid amount, the order not paid...; a payment: the order number is another payment's.
     */
    static Problem refused(PaymentResult rejected) {
        if (rejected.type() == CommandType.REFUND) {
            return new Problem("urn:scanforpay:problem:refund-refused", "The refund is refused", 409, rejected.msg(),
                    rejected.errors());
        }
        return new Problem(ORDER_CONFLICT, ORDER_CONFLICT_TITLE, 409, rejected.msg(), rejected.errors());
    }

    /** JAX-RS's own refusal of a request (e.g. a parameter it cannot convert), with its status. */
    static Problem invalidRequest(Response.StatusType status) {
        return new Problem("urn:scanforpay:problem:invalid-request", status.getReasonPhrase(), status.getStatusCode(),
                status.getReasonPhrase(), null);
    }

    static Problem invalidParameter(String field, String message) {
        return new Problem("urn:scanforpay:problem:invalid-parameter", "A parameter is invalid", 400,
                field + ": " + message, List.of(new FieldError(field, message)));
    }

    static Problem conflict(String field, String message) {
        return new Problem(ORDER_CONFLICT, ORDER_CONFLICT_TITLE, 409, message, List.of(new FieldError(field, message)));
    }

    static Problem notFound(String what) {
        return new Problem("urn:scanforpay:problem:not-found", "Not found", 404, what, null);
    }

    /** Not found, naming the request's field that names it. */
    static Problem notFound(String field, String message) {
        return new Problem("urn:scanforpay:problem:not-found", "Not found", 404, field + ": " + message,
                List.of(new FieldError(field, message)));
    }

    /** The caller may not do this; {@code detail} says why, never anything of the order. */
    static Problem forbidden(String detail) {
        return new Problem("urn:scanforpay:problem:forbidden", "Forbidden", 403, detail, null);
    }

    /** An unexpected failure: nothing of it goes to the caller (it is logged). */
    static Problem internalError() {
        return new Problem("urn:scanforpay:problem:internal-error", "Internal error", 500,
                "the request failed unexpectedly; send the same request again (it is idempotent) or look the "
                        + "order up", null);
    }

    static Problem unauthorized() {
        return new Problem("urn:scanforpay:problem:unauthorized", "Unauthorized", 401,
                "a valid API key is required: Authorization: Bearer <key>", null);
    }

    static Problem unavailable(String detail) {
        return new Problem("urn:scanforpay:problem:unavailable", "Try again later", 503, detail, null);
    }
}
