package com.scanforpay.gateway.sandbox;

/**
 * Payment codes that decide the fate of a sandbox payment, like a card network's test numbers. Any other barcode
 * that passes the field checks (digits only, at most 20) is paid at once.
 *
 * <table>
 * <caption>Sandbox barcodes</caption>
 * <tr><th>barcode</th><th>constant</th><th>fate</th></tr>
 * <tr><td>{@code 284447106610060508} (and any other valid barcode)</td><td>{@link #PAID}</td>
 *     <td>paid at once: code 1, status 1; wallet {@code Alipay} if the barcode starts with 25–30, else
 *     {@code Wechat}; notified</td></tr>
 * <tr><td>{@code 134000000000000001}</td><td>{@link #DECLINED}</td>
 *     <td>declined: the pay call answers code 51, msg {@code insufficient balance}; the order is recorded as
 *     failed (status 2); no notification</td></tr>
 * <tr><td>{@code 134000000000000002}</td><td>{@link #WAITING_THEN_PAID}</td>
 *     <td>pay answers code 1, status 0 (waiting); after {@code waitingResolvesAfter} the order becomes paid
 *     (status 1), queries see it, and it is notified</td></tr>
 * <tr><td>{@code 134000000000000003}</td><td>{@link #WAITING_THEN_FAILED}</td>
 *     <td>pay answers code 1, status 0; after {@code waitingResolvesAfter} the order becomes failed (status 2)
 *     and is notified</td></tr>
 * <tr><td>{@code 134000000000000004}</td><td>{@link #SLOW}</td>
 *     <td>the order is created and paid on arrival (queries find it paid, notified at once), but the paid answer
 *     comes only after {@code slowLatency} (past a client's response timeout)</td></tr>
 * <tr><td>{@code 134000000000000005}</td><td>{@link #HTTP_500}</td>
 *     <td>HTTP 500 with a plain-text body; no order is created</td></tr>
 * <tr><td>{@code 134000000000000006}</td><td>{@link #MALFORMED}</td>
 *     <td>HTTP 200 whose body is not valid JSON (a missing and a trailing comma, like the provider's own failure
 *     sample); the order is created and paid and notified: the client cannot know</td></tr>
 * <tr><td>{@code 134000000000000007}</td><td>{@link #BAD_SIGNATURE}</td>
 *     <td>a well-formed paid response signed with another key; the order is created, paid and notified (the
 *     notification is signed correctly)</td></tr>
 * <tr><td>{@code 134000000000000008}</td><td>{@link #PAID_WITH_BUYER}</td>
 *     <td>paid at once with buyer data: buyer {@code cd****@qq.com}, buyerId {@code 208xxxxxxxxxx012}</td></tr>
 * <tr><td>{@code 134000000000000009}</td><td>{@link #WAITING_SLOW_QUERIES}</td>
 *     <td>pay answers code 1, status 0 (waiting) at once; the order stays waiting (no notification), and every
 *     payQuery of it is answered (still waiting) only after {@code slowLatency}, past a client's response
 *     timeout</td></tr>
 * <tr><td>{@code 134000000000000010}</td><td>{@link #HELD}</td>
 *     <td>the order is created and paid on arrival (queries find it paid), but the pay answer and the notification
 *     are held until the test calls {@code sandbox.release(partnerOrderNo)} (or {@code releaseAll()}):
 *     {@code sandbox.held()} names the payments in flight, so a test waits for them instead of a clock</td></tr>
 * <tr><td>{@code 134000000000000011}</td><td>{@link #WAITING_HELD_QUERIES}</td>
 *     <td>pay answers code 1, status 0 (waiting) at once; the order stays waiting (no notification), and every
 *     payQuery of it is held (answered still waiting) until the test calls {@code sandbox.release(partnerOrderNo)}
 *     (or {@code releaseAll()}); {@code sandbox.held()} names it while one of its queries is held and its caller
 *     still waits</td></tr>
 * </table>
 *
 * <p>Refunds are checked like the provider does, whatever the gateway's ledger thinks, and their {@code refundNo}
 * decides how they end:
 *
 * <table>
 * <caption>Sandbox refunds</caption>
 * <tr><th>refund</th><th>answer</th></tr>
 * <tr><td>any {@code refundNo} not below, within what is left to refund</td>
 *     <td>done: code 1, status 1; the order's refundable amount shrinks (status 3 once nothing is left)</td></tr>
 * <tr><td>{@code refundNo} starting {@link #PROCESSING_REFUND_PREFIX}</td>
 *     <td>taken (the refundable amount shrinks) but answered "processing" (code 1, status 0), and never
 *     reported further</td></tr>
 * <tr><td>{@code refundNo} starting {@link #FAILED_REFUND_PREFIX}</td>
 *     <td>failed: code 1, status 2; nothing refunded, the refundable amount unchanged</td></tr>
 * <tr><td>an order the sandbox does not have</td><td>code 30 {@code 订单不存在}</td></tr>
 * <tr><td>an order not paid (waiting, failed)</td><td>code 40 {@code order not paid}</td></tr>
 * <tr><td>a {@code refundNo} used before (also by a failed refund, or one made through the portal)</td>
 *     <td>code 41 {@code duplicate refundNo}</td></tr>
 * <tr><td>more than is left to refund (also after {@code sandbox.refundThroughPortal(..)}, a refund the gateway
 *     does not know of)</td><td>code 42 {@code refund amount exceeds paid amount}</td></tr>
 * </table>
 */
public final class SandboxBarcodes {

    /** A refund with a {@code refundNo} starting so is answered "processing" (status 0) for good. */
    public static final String PROCESSING_REFUND_PREFIX = "processing-";
    /** A refund with a {@code refundNo} starting so is answered failed (code 1, status 2): nothing refunded. */
    public static final String FAILED_REFUND_PREFIX = "failed-";

    public static final String PAID = "284447106610060508";
    public static final String DECLINED = "134000000000000001";
    public static final String WAITING_THEN_PAID = "134000000000000002";
    public static final String WAITING_THEN_FAILED = "134000000000000003";
    public static final String SLOW = "134000000000000004";
    public static final String HTTP_500 = "134000000000000005";
    public static final String MALFORMED = "134000000000000006";
    public static final String BAD_SIGNATURE = "134000000000000007";
    public static final String PAID_WITH_BUYER = "134000000000000008";
    public static final String WAITING_SLOW_QUERIES = "134000000000000009";
    public static final String HELD = "134000000000000010";
    public static final String WAITING_HELD_QUERIES = "134000000000000011";

    /** Buyer data reported for {@link #PAID_WITH_BUYER} (already masked by the wallet, as in the provider's sample). */
    public static final String BUYER = "cd****@qq.com";
    public static final String BUYER_ID = "208xxxxxxxxxx012";

    /** What happens to a payment with a given barcode. */
    public enum Scenario {
        PAID, DECLINED, WAITING_THEN_PAID, WAITING_THEN_FAILED, SLOW, HTTP_500, MALFORMED, BAD_SIGNATURE,
        PAID_WITH_BUYER, WAITING_SLOW_QUERIES, HELD, WAITING_HELD_QUERIES;

        public static Scenario of(String barcode) {
            if (barcode == null) {
                return PAID;
            }
            return switch (barcode) {
                case SandboxBarcodes.DECLINED -> DECLINED;
                case SandboxBarcodes.WAITING_THEN_PAID -> WAITING_THEN_PAID;
                case SandboxBarcodes.WAITING_THEN_FAILED -> WAITING_THEN_FAILED;
                case SandboxBarcodes.SLOW -> SLOW;
                case SandboxBarcodes.HTTP_500 -> HTTP_500;
                case SandboxBarcodes.MALFORMED -> MALFORMED;
                case SandboxBarcodes.BAD_SIGNATURE -> BAD_SIGNATURE;
                case SandboxBarcodes.PAID_WITH_BUYER -> PAID_WITH_BUYER;
                case SandboxBarcodes.WAITING_SLOW_QUERIES -> WAITING_SLOW_QUERIES;
                case SandboxBarcodes.HELD -> HELD;
                case SandboxBarcodes.WAITING_HELD_QUERIES -> WAITING_HELD_QUERIES;
                default -> PAID;
            };
        }
    }

    /** The table above as text, for the standalone launcher. */
    public static String table() {
        return String.join(System.lineSeparator(),
                "| barcode            | fate |",
                "|--------------------|------|",
                "| " + PAID + " | paid at once (and any other valid barcode; Alipay if it starts 25-30, else Wechat) |",
                "| " + DECLINED + " | declined: code 51 \"insufficient balance\", order failed (status 2) |",
                "| " + WAITING_THEN_PAID + " | status 0, then paid (status 1) after waitingResolvesAfter, notified |",
                "| " + WAITING_THEN_FAILED + " | status 0, then failed (status 2) after waitingResolvesAfter, notified |",
                "| " + SLOW + " | paid on arrival, answer only after slowLatency |",
                "| " + HTTP_500 + " | HTTP 500 plain text, no order created |",
                "| " + MALFORMED + " | HTTP 200 invalid JSON body; order paid |",
                "| " + BAD_SIGNATURE + " | paid response signed with another key; order paid |",
                "| " + PAID_WITH_BUYER + " | paid with buyer cd****@qq.com / buyerId 208xxxxxxxxxx012 |",
                "| " + WAITING_SLOW_QUERIES + " | status 0, stays waiting; every query answered only after slowLatency |",
                "| " + HELD + " | paid on arrival; answer and notification held until released by the test |",
                "| " + WAITING_HELD_QUERIES + " | status 0, stays waiting; every query held until released by the test |",
                "",
                "| refund             | answer |",
                "|--------------------|--------|",
                "| any other refundNo | done: code 1, status 1 (refundable amount shrinks) |",
                "| " + PROCESSING_REFUND_PREFIX + "...      | taken, answered processing (status 0) for good |",
                "| " + FAILED_REFUND_PREFIX + "...          | failed: code 1, status 2, nothing refunded |",
                "| unknown order      | code 30; not paid: code 40; refundNo used before: code 41 |",
                "| beyond what is left | code 42 (refunds through the portal count too) |");
    }

    private SandboxBarcodes() {
    }
}
