package io.docpipe.provider;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads how long a provider asks us to wait from its response headers, in order of precision: {@code retry-after-ms},
 * {@code retry-after} (seconds or an HTTP date), then OpenAI's {@code x-ratelimit-reset-requests} /
 * {@code x-ratelimit-reset-tokens} (Go durations such as {@code 1s}, {@code 12ms}, {@code 6m0s}; the longer wins).
 */
public final class RetryAfter {

    private static final Pattern GO_DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");

    private RetryAfter() {}

    /** @param header looks a header up by lower-case name; null when absent */
    public static Duration from(Function<String, String> header) {
        Duration millis = parse(header.apply("retry-after-ms"), v -> Duration.ofMillis((long) Double.parseDouble(v)));
        if (millis != null) {
            return millis;
        }
        Duration seconds = parse(header.apply("retry-after"), RetryAfter::secondsOrDate);
        if (seconds != null) {
            return seconds;
        }
        Duration requests = parse(header.apply("x-ratelimit-reset-requests"), RetryAfter::goDuration);
        Duration tokens = parse(header.apply("x-ratelimit-reset-tokens"), RetryAfter::goDuration);
        if (requests == null) {
            return tokens;
        }
        return tokens == null || requests.compareTo(tokens) >= 0 ? requests : tokens;
    }

    public static Duration from(Map<String, ?> headers) {
        return from(name -> headers.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name) && e.getValue() != null)
                .map(e -> e.getValue().toString())
                .findFirst()
                .orElse(null));
    }

    static Duration goDuration(String value) {
        Matcher matcher = GO_DURATION_PART.matcher(value.trim());
        double millis = 0;
        int end = 0;
        while (matcher.find() && matcher.start() == end) {
            double amount = Double.parseDouble(matcher.group(1));
            millis += switch (matcher.group(2)) {
                case "h" -> amount * 3_600_000;
                case "m" -> amount * 60_000;
                case "s" -> amount * 1_000;
                default -> amount;
            };
            end = matcher.end();
        }
        if (end == 0 || end != value.trim().length()) {
            throw new IllegalArgumentException("not a duration: " + value);
        }
        return Duration.ofMillis((long) Math.ceil(millis));
    }

    private static Duration secondsOrDate(String value) {
        try {
            return Duration.ofMillis((long) (Double.parseDouble(value) * 1000));
        } catch (NumberFormatException e) {
            Duration until = Duration.between(
                    ZonedDateTime.now(), ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME));
            return until.isNegative() ? Duration.ZERO : until;
        }
    }

    private static Duration parse(String value, Function<String, Duration> parser) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            Duration duration = parser.apply(value.trim());
            return duration.isNegative() ? null : duration;
        } catch (IllegalArgumentException | DateTimeParseException e) {
            return null; // an unreadable hint is no hint
        }
    }
}
