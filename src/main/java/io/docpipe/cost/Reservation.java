package io.docpipe.cost;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;

/**
 * The expected cost of one call, held against a service's budget for a UTC day until it is settled; a row of
 * {@code cost_reservations} until then, so that one its process never settles is released when it expires.
 *
 * @param id   the reservation's row
 * @param hour the UTC hour whose request cap counted the call, or null when there is no cap
 */
public record Reservation(long id, String service, LocalDate day, BigDecimal usd, Instant hour) {}
