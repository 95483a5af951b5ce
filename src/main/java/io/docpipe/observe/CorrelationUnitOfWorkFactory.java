package io.docpipe.observe;

import io.docpipe.job.CorrelationContext;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.impl.engine.MDCUnitOfWork;
import org.apache.camel.spi.UnitOfWork;
import org.apache.camel.spi.UnitOfWorkFactory;

/**
 * Camel's MDC unit of work, started on a clean slate: a new exchange (not a copy made inside one, which carries its
 * parent's job) begins without any correlation id left on its thread. camel-main clears the MDC keys of
 * {@code camel.main.mdc-logging-keys-pattern} when an exchange is done, but on the thread that finishes it, and the
 * HTTP server finishes its exchanges on its event loop while the route ran on one of its pooled workers: the next
 * request on that worker would log the last one's correlation id.
 */
public final class CorrelationUnitOfWorkFactory implements UnitOfWorkFactory {

    private final CamelContext context;

    public CorrelationUnitOfWorkFactory(CamelContext context) {
        this.context = context;
    }

    @Override
    public UnitOfWork createUnitOfWork(Exchange exchange) {
        if (exchange.getProperty(ExchangePropertyKey.CORRELATION_ID) == null) {
            CorrelationContext.leave();
        }
        return new MDCUnitOfWork(
                exchange,
                context.getInflightRepository(),
                context.getMDCLoggingKeysPattern(),
                Boolean.TRUE.equals(context.isAllowUseOriginalMessage()),
                Boolean.TRUE.equals(context.isUseBreadcrumb()));
    }
}
