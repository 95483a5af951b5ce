package io.docpipe.cost;

import java.math.BigDecimal;
import java.time.LocalDate;

/** The expected cost of one call, held against a service's budget for a UTC day until it is settled. */
public record Reservation(String service, LocalDate day, BigDecimal usd) {
}
