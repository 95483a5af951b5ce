package io.docpipe.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;
import org.apache.camel.TypeConverter;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/** A docpipe body is no Map to camel-sql's parameter look-ups, at the cost of one map read once it was asked. */
class SqlStepBodiesTest {

    @Test
    void should_answer_no_map_for_a_docpipe_body_and_remember_it_for_its_type() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            SqlStepBodies.register(context.getTypeConverterRegistry());
            context.start();
            ClaimedJob job = new ClaimedJob(UUID.randomUUID(), UUID.randomUUID(), "c", JobStatus.UPLOADED, 7L);
            TypeConverter converter = context.getTypeConverter();

            assertThat(converter.tryConvertTo(Map.class, job)).isNull();
            assertThat(context.getTypeConverterRegistry().lookup(Map.class, ClaimedJob.class))
                    .isInstanceOf(SqlStepBodies.class);
            assertThat(converter.tryConvertTo(Map.class, job)).isNull();
        }
    }

    @Test
    void should_leave_other_conversions_to_camel() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            SqlStepBodies.register(context.getTypeConverterRegistry());
            context.start();
            TypeConverter converter = context.getTypeConverter();
            ClaimedJob job = new ClaimedJob(UUID.randomUUID(), UUID.randomUUID(), "c", JobStatus.UPLOADED, 7L);

            assertThat(converter.tryConvertTo(Map.class, Map.of("a", 1))).isEqualTo(Map.of("a", 1));
            assertThat(converter.convertTo(Integer.class, "42")).isEqualTo(42);
            assertThat(converter.tryConvertTo(String.class, job)).isEqualTo(job.toString());
            assertThat(context.getTypeConverterRegistry().lookup(Map.class, String.class))
                    .isNull();
        }
    }
}
