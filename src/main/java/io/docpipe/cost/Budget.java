package io.docpipe.cost;

import java.math.BigDecimal;

/**
 * A service's spending limits.
 *
 * @param service            ledger name: llamaparse or openai
 * @param dailyUsd           hard cap in USD per UTC day, or null for none
 * @param maxRequestsPerHour billable requests per UTC hour, or 0 for no cap
 */
public record Budget(String service, BigDecimal dailyUsd, int maxRequestsPerHour) {

    /** @param dailyUsd a property value: empty means no daily budget */
    public static Budget of(String service, String dailyUsd, int maxRequestsPerHour) {
        BigDecimal daily = dailyUsd == null || dailyUsd.isBlank() ? null : new BigDecimal(dailyUsd.trim());
        if (daily != null && daily.signum() < 0) {
            throw new IllegalArgumentException(service + " daily budget must not be negative: " + dailyUsd);
        }
        return new Budget(service, daily, Math.max(0, maxRequestsPerHour));
    }
}
