package io.docpipe.webhook;

import io.docpipe.job.ClaimedJob;

/**
 * A verified webhook delivery matched to its job.
 *
 * @param eventId    the sender's event id (dedupe key), or null when the body shape has none
 * @param parseJobId the LlamaParse job the delivery names, or null (a legacy body)
 * @param finished   the event says the parse job ended (a {@code parse.pending} or {@code parse.running} does not)
 * @param unknownParseJob the delivery names a LlamaParse job docpipe has not recorded (the job was found by its
 *                   correlation id)
 */
public record WebhookDelivery(
        ClaimedJob job,
        String eventId,
        String eventType,
        String parseJobId,
        boolean finished,
        boolean unknownParseJob) {}
