package io.docpipe.job;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.apache.camel.TypeConverter;
import org.apache.camel.spi.TypeConverterRegistry;
import org.apache.camel.support.TypeConverterSupport;

/**
 * Makes the SQL steps of the routes ({@code to: sql:classpath:sql/jobs/advance.sql} and the like) cheap to fill in.
 * camel-sql looks for each parameter of a statement in the message body as a {@link Map}, twice a parameter, and a
 * docpipe body (a {@link ClaimedJob}, an outcome) never is one. Camel remembers a failed {@code convertTo} but not a
 * failed {@code tryConvertTo}, the one camel-sql uses, so each look searched every registered converter again: a
 * third of a parse worker's processor time went to the seven parameters of advance.sql. Asked first among the
 * fallback converters, this one answers "no conversion" for a docpipe type to {@code Map} and registers that answer
 * for the type, so every later look is one map read. The parameters still come from where they came from (the
 * exchange's variables and properties), and any other conversion is left to Camel.
 */
public final class SqlStepBodies extends TypeConverterSupport {

    private final TypeConverterRegistry registry;
    private final Set<Class<?>> registered = ConcurrentHashMap.newKeySet();

    private SqlStepBodies(TypeConverterRegistry registry) {
        this.registry = registry;
    }

    /** Adds the converter to the registry, ahead of its other fallback converters. */
    public static void register(TypeConverterRegistry registry) {
        registry.addFallbackTypeConverter(new SqlStepBodies(registry), false);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T convertTo(Class<T> type, Exchange exchange, Object value) {
        if (type != Map.class || value == null || !value.getClass().getName().startsWith("io.docpipe.")) {
            return null; // not ours: the next fallback converter is asked
        }
        if (registered.add(value.getClass()) && registry.lookup(Map.class, value.getClass()) == null) {
            registry.addTypeConverter(Map.class, value.getClass(), this);
        }
        return (T) TypeConverter.MISS_VALUE;
    }
}
