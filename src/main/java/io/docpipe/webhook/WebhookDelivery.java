package io.docpipe.webhook;

import io.docpipe.job.ClaimedJob;

/**
 * A verified webhook delivery matched to its job.
 *
 * @param eventId      the sender's event id (dedupe key), or null when the body shape has none
 * @param fetchResult  true when LlamaParse should now be asked how the job ended
 * @param outcome      what the response tells the sender: processed, duplicate or ignored
 */
public record WebhookDelivery(ClaimedJob job, String eventId, String eventType, boolean fetchResult, String outcome) {
}
