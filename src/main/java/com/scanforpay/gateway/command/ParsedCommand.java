package com.scanforpay.gateway.command;

import com.scanforpay.gateway.payment.CommandType;
import com.scanforpay.gateway.payment.PaymentCommand;

import java.util.List;
import java.util.stream.Collectors;

/** The outcome of reading one command record: a command to execute, or the reason it can never succeed. */
public sealed interface ParsedCommand {

    /** The {@code partnerOrderNo}, when it could be read; it orders and keys everything about the command. */
    String partnerOrderNo();

    record Accepted(PaymentCommand command) implements ParsedCommand {
        @Override
        public String partnerOrderNo() {
            return command.partnerOrderNo();
        }
    }

    /**
     * @param type the command type when it could be read, else {@code null}
     * @param partnerOrderNo when it could be read, else {@code null}
     */
    record Rejected(RejectionCode code, List<FieldError> errors, CommandType type, String partnerOrderNo,
            String refundNo) implements ParsedCommand {

        /** One sentence naming every failing field. */
        public String message() {
            return errors.stream().map(FieldError::toString).collect(Collectors.joining("; "));
        }
    }
}
