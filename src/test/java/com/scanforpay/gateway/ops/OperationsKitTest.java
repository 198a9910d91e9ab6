package com.scanforpay.gateway.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.scanforpay.gateway.ledger.PaymentState;
import com.scanforpay.gateway.notify.NotifyVerdict;
import com.scanforpay.gateway.payment.CommandType;
import com.scanforpay.gateway.payment.Outcome;
import com.scanforpay.gateway.providercall.ProviderReply;
import com.scanforpay.gateway.command.RejectionCode;
import com.scanforpay.gateway.payment.ResultSource;
import com.scanforpay.gateway.sandbox.SandboxBarcodes;
import com.scanforpay.gateway.testing.GatewayTestStack;
import com.scanforpay.gateway.testing.LedgerRows;
import com.scanforpay.gateway.testing.OrderNumbers;
import com.scanforpay.gateway.testing.StackTopics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operations kit (ops/monitoring) against what the gateway exports: every metric the Grafana dashboard and the
 * Prometheus alert rules name, with every label they select on, is in the gateway's Prometheus output once traffic
 * has made the tagged meters exist; and the two metrics added for it (time to final result, consumer lag) say what
 * they should. The output is read from the registry ({@code scrape()}), not over HTTP: which port serves
 * {@code /q/metrics} is the deployment's business.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestStack.class)
class OperationsKitTest {

    private static final Path ROOT = Path.of(System.getProperty("user.dir"));
    private static final Path DASHBOARD = ROOT.resolve("ops/monitoring/grafana/dashboards/scanforpay-gateway.json");
    private static final Path ALERTS = ROOT.resolve("ops/monitoring/alerts.yml");
    private static final Path DATASOURCES = ROOT.resolve("ops/monitoring/grafana/provisioning/datasources/prometheus.yml");
    /** Series Prometheus makes itself for every scrape target, not the gateway. */
    private static final Set<String> PROMETHEUS_OWN = Set.of("up");
    /**
     * PromQL words that are not metric names: keywords, modifiers, and the aggregation operators, which may be
     * followed by {@code by (...)} rather than by their parenthesis ({@code sum by (le) (...)}).
     */
    private static final Set<String> PROMQL_WORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
            "group_left", "group_right", "bool", "offset", "inf", "nan", "start", "end", "sum", "min", "max", "avg",
            "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk", "quantile", "limitk",
            "limit_ratio");
    /**
     * The values a label of the gateway's own meters can take, from the code that sets them: a rule may select a value
     * that has not happened yet in this test (a partner mismatch), but never one the gateway cannot produce.
     */
    private static final Map<String, Set<String>> GATEWAY_LABEL_VALUES = Map.of(
            "type", names(CommandType.values(), false),
            "outcome", names(Outcome.values(), false),
            "source", names(ResultSource.values(), false),
            "state", names(PaymentState.values(), false),
            "code", names(RejectionCode.values(), false),
            "verdict", names(NotifyVerdict.values(), true),
            "kind", names(ProviderReply.Inconclusive.Kind.values(), true),
            "reason", Set.of("outage"));

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @RegisterExtension
    static final StackTopics TOPICS = new StackTopics();

    @Inject
    PrometheusMeterRegistry prometheus;
    @Inject
    MeterRegistry meters;
    @Inject
    DataSource dataSource;

    @Test
    void everyMetricTheDashboardAndTheAlertRulesNameIsExported() throws IOException {
        // traffic that makes the tagged meters exist: a payment, one whose pay answer is unreadable (a provider
        // error; the sandbox's notification settles it), and a command that is not JSON (a dead letter)
        String paid = OrderNumbers.next("okp");
        String malformed = OrderNumbers.next("okm");
        TOPICS.pay(paid, SandboxBarcodes.PAID, 100);
        TOPICS.pay(malformed, SandboxBarcodes.MALFORMED, 100);
        TOPICS.kafka().send(GatewayTestStack.COMMANDS, paid, "not json");
        TOPICS.awaitQuiet();

        List<Expression> expressions = new ArrayList<>(dashboardExpressions());
        expressions.addAll(alertExpressions());
        assertTrue(expressions.size() >= 20, "too few expressions found: " + expressions);
        await("every metric of the dashboard and the rules exported").atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertEquals(List.of(), problems(expressions, Scrape.parse(prometheus.scrape()))));
    }

    /** The check itself: a misspelt name, a wrong label or a value the gateway never sets is reported. */
    @Test
    void theCheckReportsMisspeltNamesLabelsAndValues() {
        Scrape scrape = Scrape.parse("""
                # TYPE scanforpay_results_total counter
                scanforpay_results_total{outcome="SUCCESS",source="NOTIFY",type="PAY",} 3.0
                scanforpay_notify_total{verdict="accepted",} 2.0
                """);
        assertEquals(List.of(), problems(List.of(
                new Expression("ok", "sum by (outcome) (rate(scanforpay_results_total{type=\"PAY\"}[$__rate_interval]))"),
                new Expression("ok", "increase(scanforpay_notify_total{verdict=~\"partner_mismatch|accepted\"}[5m])"),
                new Expression("ok", "up{job=\"scanforpay-gateway\"} == 0")), scrape));

        List<String> problems = problems(List.of(
                new Expression("misspelt", "sum(rate(scanforpay_result_total[5m]))"),
                new Expression("label", "scanforpay_results_total{status=\"PAY\"}"),
                new Expression("value", "scanforpay_notify_total{verdict=\"PARTNER_MISMATCH\"}")), scrape);
        assertEquals(3, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("scanforpay_result_total"), problems.get(0));
        assertTrue(problems.get(1).contains("status"), problems.get(1));
        assertTrue(problems.get(2).contains("PARTNER_MISMATCH"), problems.get(2));
    }

    @Test
    void metricNamesAreFoundInEveryPartOfPromQl() {
        assertEquals(Set.of("a_bucket", "b_total", "c", "d_seconds_sum", "d_seconds_count"), selectors("""
                histogram_quantile(0.95, sum by (le, endpoint) (rate(a_bucket{x="y, z", w!~"v|u"}[5m])))
                / on (instance) group_left (job) sum without (le) (b_total offset 30m) > bool 1e3
                and absent(c) or sum(rate(d_seconds_sum[$__rate_interval])) / sum(rate(d_seconds_count[1h:5m]))
                """).stream().map(Selector::metric).collect(Collectors.toSet()));
        Selector selector = selectors("rate(a_total{code=~\"INVALID_JSON|TOO_LARGE\", verdict=\"x\"}[5m])").get(0);
        assertEquals(Map.of("code", "=~INVALID_JSON|TOO_LARGE", "verdict", "=x"), selector.matchers());
    }

    /** A payment's final result is timed once, though the pay answer and the notification both publish it. */
    @Test
    void theTimeToFinalResultCountsEachPaymentOnce() throws SQLException {
        // the application is shared with earlier classes: nothing of theirs may still settle while this one counts
        TOPICS.awaitQuiet();
        await("no payment of earlier tests about to be resolved").atMost(Duration.ofSeconds(60))
                .until(() -> LedgerRows.openPaymentsDueSoon(dataSource) == 0);
        long before = settledCount();
        String order = OrderNumbers.next("okt");

        TOPICS.pay(order, SandboxBarcodes.PAID, 100);
        TOPICS.awaitSettled();
        await("the notification taken too").atMost(Duration.ofSeconds(30)).until(() -> GatewayTestStack.sandbox()
                .notificationsDelivered().stream().anyMatch(n -> order.equals(n.partnerOrderNo())));
        TOPICS.awaitQuiet();

        assertEquals(List.of("PAY/SUCCESS"), TOPICS.results().fieldsWithKey(order, "type", "outcome"));
        assertEquals(before + 1, settledCount(), "one payment settled: timed once, by whichever path confirmed it");
        Timer paid = meters.find("scanforpay.payment.time.to.final.result").tag("outcome", "SUCCESS").timers()
                .stream().filter(timer -> timer.count() > 0).findFirst().orElseThrow();
        assertTrue(paid.max(java.util.concurrent.TimeUnit.SECONDS) < 60, "from admission to result: seconds here");
        assertTrue(Scrape.parse(prometheus.scrape()).names().contains(
                "scanforpay_payment_time_to_final_result_seconds_bucket"), "a histogram, for quantiles");
    }

    /** Once every command is consumed, each partition this instance owns reports lag 0. */
    @Test
    void theCommandsLagIsReportedPerOwnedPartitionAndFallsToZero() {
        String order = OrderNumbers.next("okl");
        TOPICS.pay(order, SandboxBarcodes.PAID, 100);
        TOPICS.awaitSettled();

        await("the lag refreshed after the last command").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Map<String, Double> lag = new HashMap<>();
            Scrape.parse(prometheus.scrape()).series().getOrDefault("scanforpay_commands_lag", List.of())
                    .forEach(sample -> lag.put(sample.labels().get("partition"), sample.value()));
            // the only instance in the group owns all three partitions of the stack's topic
            assertEquals(Set.of("0", "1", "2"), lag.keySet(), "partitions reported: " + lag);
            lag.forEach((partition, records) -> assertEquals(0.0, records, "lag of partition " + partition));
        });
    }

    /** The dashboard uses the provisioned data source; every alert says how bad, what, and what to do. */
    @Test
    void theDashboardAndTheRulesAreComplete() throws IOException {
        String uid = YAML.readTree(DATASOURCES.toFile()).path("datasources").get(0).path("uid").asText();
        JsonNode dashboard = JSON.readTree(DASHBOARD.toFile());
        for (JsonNode panel : dashboard.path("panels")) {
            if (!panel.path("type").asText().equals("row")) {
                assertEquals(uid, panel.path("datasource").path("uid").asText(), "panel " + panel.path("title"));
                panel.path("targets").forEach(target -> assertEquals(uid, target.path("datasource").path("uid").asText(),
                        "a target of panel " + panel.path("title")));
            }
        }
        List<String> titles = new ArrayList<>();
        dashboard.path("panels").forEach(panel -> titles.add(panel.path("title").asText()));
        for (String wanted : List.of("Results by outcome and source", "Provider latency",
                "Time from command to final result", "Unresolved payments by state", "Dead letters by code",
                "Notify verdicts", "Consumer lag", "Batch redeliveries")) {
            assertTrue(titles.contains(wanted), "the dashboard lacks a panel `" + wanted + "`: " + titles);
        }

        Set<String> alerts = new TreeSet<>();
        for (JsonNode group : YAML.readTree(ALERTS.toFile()).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String name = rule.path("alert").asText();
                alerts.add(name);
                assertTrue(rule.hasNonNull("for"), name + " has no `for:`");
                assertTrue(Set.of("warning", "critical").contains(rule.path("labels").path("severity").asText()),
                        name + ": severity must be warning or critical");
                for (String annotation : List.of("summary", "description", "runbook")) {
                    assertFalse(rule.path("annotations").path(annotation).asText().isBlank(),
                            name + " has no " + annotation + " annotation");
                }
            }
        }
        for (String wanted : List.of("ScanForPayUnknownPaymentsGrowing", "ScanForPayProviderErrorRate",
                "ScanForPayDeadLetters", "ScanForPayCommandsLagging", "ScanForPayPartnerMismatch")) {
            assertTrue(alerts.contains(wanted), "no alert " + wanted + ": " + alerts);
        }
    }

    // ------------------------------------------------------------------------------------------------ the check

    /** One PromQL expression and where it is (for messages). */
    record Expression(String where, String promql) {
    }

    /** A metric selector: the name and its label matchers (label → operator and value, e.g. {@code =~a|b}). */
    record Selector(String metric, Map<String, String> matchers) {
    }

    private static List<Expression> dashboardExpressions() throws IOException {
        List<Expression> expressions = new ArrayList<>();
        for (JsonNode panel : JSON.readTree(DASHBOARD.toFile()).path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                expressions.add(new Expression("dashboard panel \"" + panel.path("title").asText() + "\" "
                        + target.path("refId").asText(), target.path("expr").asText()));
            }
        }
        return expressions;
    }

    private static List<Expression> alertExpressions() throws IOException {
        List<Expression> expressions = new ArrayList<>();
        for (JsonNode group : YAML.readTree(ALERTS.toFile()).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                expressions.add(new Expression("alert " + rule.path("alert").asText(), rule.path("expr").asText()));
            }
        }
        return expressions;
    }

    /** Every selector of {@code expressions} that the scrape does not satisfy, one line each. */
    static List<String> problems(List<Expression> expressions, Scrape scrape) {
        List<String> problems = new ArrayList<>();
        for (Expression expression : expressions) {
            List<Selector> selectors = selectors(expression.promql());
            if (selectors.isEmpty()) {
                problems.add(expression.where() + ": names no metric: " + expression.promql());
            }
            for (Selector selector : selectors) {
                String metric = selector.metric();
                if (PROMETHEUS_OWN.contains(metric)) {
                    continue;
                }
                List<Sample> samples = scrape.series().get(metric);
                if (samples == null) {
                    problems.add(expression.where() + ": " + metric + " is not exported by the gateway");
                    continue;
                }
                selector.matchers().forEach((label, matcher) -> {
                    Set<String> exportedValues = samples.stream().map(sample -> sample.labels().get(label))
                            .filter(java.util.Objects::nonNull).collect(Collectors.toCollection(TreeSet::new));
                    if (exportedValues.isEmpty()) {
                        problems.add(expression.where() + ": " + metric + " has no label " + label);
                        return;
                    }
                    if (!matcher.startsWith("=")) {
                        return; // a negative matcher cannot name a value that is missing
                    }
                    String values = matcher.substring(matcher.startsWith("=~") ? 2 : 1);
                    if (!values.matches("[\\w|]+")) {
                        return; // a real regular expression: not checked value by value
                    }
                    Set<String> possible = GATEWAY_LABEL_VALUES.getOrDefault(label, exportedValues);
                    for (String value : values.split("\\|")) {
                        if (!possible.contains(value)) {
                            problems.add(expression.where() + ": " + metric + "{" + label + "} is never " + value
                                    + " (it is one of " + possible + ")");
                        }
                    }
                });
            }
        }
        return problems;
    }

    /** The metric selectors of a PromQL expression (Grafana's {@code $__...} variables allowed in ranges). */
    static List<Selector> selectors(String promql) {
        List<Selector> selectors = new ArrayList<>();
        int at = 0;
        while (at < promql.length()) {
            char c = promql.charAt(at);
            if (c == '"' || c == '\'' || c == '`') {
                at = endOfString(promql, at);
            } else if (c == '[') {
                at = promql.indexOf(']', at) + 1; // a range or subquery: durations, no names
            } else if (c == '{') {
                at = promql.indexOf('}', at) + 1; // only after a name, read below
            } else if (isNameStart(c) && (at == 0 || !isNamePart(promql.charAt(at - 1))
                    && promql.charAt(at - 1) != '.' && promql.charAt(at - 1) != '$')) {
                int end = at;
                while (end < promql.length() && isNamePart(promql.charAt(end))) {
                    end++;
                }
                String word = promql.substring(at, end);
                int next = skipSpaces(promql, end);
                boolean call = next < promql.length() && promql.charAt(next) == '(';
                String lower = word.toLowerCase(Locale.ROOT);
                if (lower.equals("by") || lower.equals("without") || lower.equals("on") || lower.equals("ignoring")
                        || lower.equals("group_left") || lower.equals("group_right")) {
                    // a label list, not a call
                    at = call ? promql.indexOf(')', next) + 1 : next;
                } else if (call || PROMQL_WORDS.contains(lower)) {
                    at = end; // a function or aggregation, or a keyword
                } else if (next < promql.length() && promql.charAt(next) == '{') {
                    int close = promql.indexOf('}', next);
                    selectors.add(new Selector(word, matchers(promql.substring(next + 1, close))));
                    at = close + 1;
                } else {
                    selectors.add(new Selector(word, Map.of()));
                    at = end;
                }
            } else if (Character.isDigit(c)) {
                // a number or a duration (1e3, 0.95, 30m): its letters are not names
                while (at < promql.length() && (isNamePart(promql.charAt(at)) || promql.charAt(at) == '.')) {
                    at++;
                }
            } else {
                at++;
            }
        }
        return selectors;
    }

    private static Map<String, String> matchers(String inside) {
        Map<String, String> matchers = new LinkedHashMap<>();
        Matcher matcher = Pattern.compile("\\s*([a-zA-Z_]\\w*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*,?")
                .matcher(inside);
        int end = 0;
        while (matcher.find() && matcher.start() == end) {
            matchers.put(matcher.group(1), matcher.group(2) + matcher.group(3));
            end = matcher.end();
        }
        assertEquals(inside.length(), end, "label matchers not understood: {" + inside + "}");
        return matchers;
    }

    private static int endOfString(String text, int open) {
        char quote = text.charAt(open);
        int at = open + 1;
        while (at < text.length() && text.charAt(at) != quote) {
            at += text.charAt(at) == '\\' ? 2 : 1;
        }
        return at + 1;
    }

    private static int skipSpaces(String text, int at) {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
        return at;
    }

    private static boolean isNameStart(char c) {
        return Character.isLetter(c) || c == '_' || c == ':';
    }

    private static boolean isNamePart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == ':';
    }

    /** One exported sample. */
    record Sample(Map<String, String> labels, double value) {
    }

    /** The Prometheus text output: samples by metric name. */
    record Scrape(Map<String, List<Sample>> series) {

        private static final Pattern LABEL = Pattern.compile("([a-zA-Z_]\\w*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

        static Scrape parse(String text) {
            Map<String, List<Sample>> series = new HashMap<>();
            for (String line : text.split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int brace = line.indexOf('{');
                int space = line.lastIndexOf(' ');
                String name = brace >= 0 && brace < space ? line.substring(0, brace) : line.substring(0, space);
                Map<String, String> labels = new HashMap<>();
                if (brace >= 0 && brace < space) {
                    Matcher label = LABEL.matcher(line.substring(brace, line.lastIndexOf('}')));
                    while (label.find()) {
                        labels.put(label.group(1), label.group(2));
                    }
                }
                series.computeIfAbsent(name.trim(), key -> new ArrayList<>())
                        .add(new Sample(labels, Double.parseDouble(line.substring(space + 1))));
            }
            return new Scrape(series);
        }

        Set<String> names() {
            return series.keySet();
        }
    }

    // -------------------------------------------------------------------------------------------------- helpers

    private static Set<String> names(Enum<?>[] values, boolean lowerCase) {
        return Arrays.stream(values).map(Enum::name).map(name -> lowerCase ? name.toLowerCase(Locale.ROOT) : name)
                .collect(Collectors.toUnmodifiableSet());
    }

    private long settledCount() {
        return meters.find("scanforpay.payment.time.to.final.result").tag("outcome", "SUCCESS").timers().stream()
                .mapToLong(Timer::count).sum();
    }
}
