package io.docpipe.cost;

/**
 * The budget's decision on a call: reserved (the call may be made; the reservation waits for its settle step) or
 * refused, and why. Routes choose on {@link #reserved()}.
 */
public record BudgetDecision(Reservation reservation, BudgetRefusal refusal) {

    public boolean reserved() {
        return reservation != null;
    }
}
