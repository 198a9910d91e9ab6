package com.scanforpay.gateway.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Seeded fuzz runs for plain JUnit tests: a fixed number of cases, each generated from its own {@link Random}, and
 * small helpers to draw values (biased towards the edges of their ranges, where parsers break).
 *
 * <p>The seed is fixed, so that every build tries the same cases; {@code -Dfuzz.seed=N} tries others. Case
 * {@code i} of a test depends only on the seed, the test's name and {@code i} (not on earlier cases or the case
 * count), and a failure names the seed and {@code i}, so {@code mvn test -Dtest=TheTest -Dfuzz.seed=N} fails again
 * at the same case.
 */
public final class Fuzz {

    /** The seed of this run: {@code -Dfuzz.seed}, or a fixed default. */
    public static final long SEED = Long.getLong("fuzz.seed", 20_261_202L);

    /** Bytes of an input shown in a failure: enough to recognise it, never a whole megabyte. */
    private static final int SHOWN_BYTES = 32;

    private Fuzz() {
    }

    /** Runs {@code check} on {@code cases} generated inputs; the first failure names the seed, case and input. */
    public static <T> void forAll(int cases, Function<Random, T> generate, Consumer<? super T> check) {
        classify(cases, generate, input -> {
            check.accept(input);
            return "checked";
        });
    }

    /**
     * Runs {@code check} on {@code cases} generated inputs; it returns the input's kind of outcome, counted in the
     * answer, so that the test can assert that every kind occurred (else the generators miss a path).
     */
    public static <T> Outcomes classify(int cases, Function<Random, T> generate, Function<? super T, String> check) {
        Outcomes outcomes = new Outcomes(cases);
        long salt = callerSalt();
        for (int i = 0; i < cases; i++) {
            T input = null;
            try {
                input = generate.apply(random(SEED ^ salt, i));
                outcomes.add(check.apply(input));
            } catch (Throwable e) {
                // a plain failure with the cause attached: JUnit shows this message first, then the original one
                fail("fuzz case " + i + " of " + cases + " with seed " + SEED + " (rerun with -Dfuzz.seed=" + SEED
                        + "), input " + (input == null ? "not generated" : describe(input)) + ": " + e, e);
            }
        }
        return outcomes;
    }

    /** The generator of case {@code index}: a mix of both, so that neighbouring cases are unrelated. */
    static Random random(long seed, int index) {
        return new Random(mix(mix(seed) + 0x9E3779B97F4A7C15L * (index + 1)));
    }

    /**
     * A salt from the calling test's class and method: tests that share generators would otherwise try the same
     * inputs as each other at each case index. Stable, so the seed alone still reproduces a run.
     */
    private static long callerSalt() {
        return StackWalker.getInstance().walk(frames -> frames
                .filter(frame -> !frame.getClassName().equals(Fuzz.class.getName()))
                .findFirst()
                .map(frame -> mix((frame.getClassName() + "." + frame.getMethodName()).hashCode()))
                .orElse(0L));
    }

    /** SplitMix64's finaliser: every input bit affects every output bit. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A short, one-line rendering: length and hex prefix of bytes and strings (as UTF-8), else an escaped prefix. */
    public static String describe(Object input) {
        if (input instanceof byte[] bytes) {
            return hex(bytes);
        }
        if (input instanceof CharSequence text) {
            return text.length() + " chars, UTF-8 " + hex(text.toString().getBytes(StandardCharsets.UTF_8));
        }
        String text = String.valueOf(input);
        StringBuilder shown = new StringBuilder();
        for (int i = 0; i < Math.min(text.length(), 200); i++) {
            char c = text.charAt(i);
            shown.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return text.length() > 200 ? shown.append("...").toString() : shown.toString();
    }

    private static String hex(byte[] bytes) {
        StringBuilder hex = new StringBuilder().append(bytes.length).append(" bytes");
        for (int i = 0; i < Math.min(bytes.length, SHOWN_BYTES); i++) {
            hex.append(i == 0 ? " " : "").append(String.format("%02x", bytes[i] & 0xFF));
        }
        return bytes.length > SHOWN_BYTES ? hex.append("...").toString() : hex.toString();
    }

    // ---- drawing values -------------------------------------------------------------------------------------------

    /** An int in [min, max]; one time in five an edge (min, min + 1, max - 1, max), where off-by-ones live. */
    public static int between(Random random, int min, int max) {
        if (random.nextInt(5) == 0) {
            int edge = switch (random.nextInt(4)) {
                case 0 -> min;
                case 1 -> min + 1;
                case 2 -> max - 1;
                default -> max;
            };
            return Math.max(min, Math.min(max, edge));
        }
        return (int) (min + (long) (random.nextDouble() * ((long) max - min + 1)));
    }

    /** Any int: small ones, edges of the type, or anything. */
    public static int anyInt(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> between(random, -100, 100);
            case 1 -> pick(random, List.of(0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE - 1,
                    Integer.MIN_VALUE + 1));
            default -> random.nextInt();
        };
    }

    /** An int of at least 1, small or up to {@link Integer#MAX_VALUE}. */
    public static int positive(Random random) {
        return random.nextBoolean() ? between(random, 1, 100_000) : between(random, 1, Integer.MAX_VALUE);
    }

    public static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    @SafeVarargs
    public static <T> T pick(Random random, T... values) {
        return values[random.nextInt(values.length)];
    }

    /** One of {@code weighted}'s generators, each as likely as its weight, applied to {@code random}. */
    @SafeVarargs
    public static <T> T oneOf(Random random, Weighted<T>... weighted) {
        int total = Arrays.stream(weighted).mapToInt(Weighted::weight).sum();
        int at = random.nextInt(total);
        for (Weighted<T> choice : weighted) {
            at -= choice.weight();
            if (at < 0) {
                return choice.generate().apply(random);
            }
        }
        throw new IllegalStateException("weights are positive");
    }

    public static <T> Weighted<T> weight(int weight, Function<Random, T> generate) {
        return new Weighted<>(weight, generate);
    }

    /** A generator with its weight, for {@link #oneOf}. */
    public record Weighted<T>(int weight, Function<Random, T> generate) {
    }

    /** A string of {@code minLength} to {@code maxLength} characters from {@code from} to {@code to}. */
    public static String chars(Random random, char from, char to, int minLength, int maxLength) {
        int length = between(random, minLength, maxLength);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append((char) between(random, from, to));
        }
        return text.toString();
    }

    // ---- outcomes -------------------------------------------------------------------------------------------------

    /** How often each kind of outcome occurred over a run. */
    public static final class Outcomes {

        private final int cases;
        private final Map<String, Integer> counts = new TreeMap<>();

        Outcomes(int cases) {
            this.cases = cases;
        }

        void add(String outcome) {
            counts.merge(outcome, 1, Integer::sum);
        }

        public int count(String outcome) {
            return counts.getOrDefault(outcome, 0);
        }

        /** Each of {@code outcomes} occurred at least once. */
        public Outcomes assertOccurred(String... outcomes) {
            for (String outcome : outcomes) {
                assertTrue(count(outcome) > 0, () -> outcome + " never occurred: " + this);
            }
            return this;
        }

        /** {@code outcome} occurred in more than {@code percent}% of the cases. */
        public Outcomes assertShareOver(String outcome, int percent) {
            assertTrue(count(outcome) * 100L > (long) percent * cases,
                    () -> outcome + " occurred in " + percent + "% of the cases or fewer: " + this);
            return this;
        }

        @Override
        public String toString() {
            return cases + " cases with seed " + SEED + " (rerun with -Dfuzz.seed=" + SEED + "): "
                    + counts.entrySet().stream().map(entry -> entry.getKey() + " " + entry.getValue())
                            .collect(Collectors.joining(", "));
        }
    }
}
