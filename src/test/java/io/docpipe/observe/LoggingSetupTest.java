package io.docpipe.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.docpipe.job.CorrelationContext;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** SLF4J must bind to Log4j 2 with a working MDC, or docpipe's logs and correlation ids silently disappear. */
class LoggingSetupTest {

    @Test
    void should_log_through_log4j_with_a_real_mdc() {
        assertThat(LoggerFactory.getILoggerFactory().getClass().getName()).startsWith("org.apache.logging");
        MDC.put(CorrelationContext.CORRELATION_ID, "abc");
        try {
            assertThat(MDC.get(CorrelationContext.CORRELATION_ID)).isEqualTo("abc");
        } finally {
            MDC.remove(CorrelationContext.CORRELATION_ID);
        }
    }
}
