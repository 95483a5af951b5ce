package io.docpipe.config;

import java.nio.file.Path;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;

/** Typed reads of docpipe's properties; a missing or malformed one stops the start naming the key. */
public final class Settings {

    private final PropertiesComponent properties;

    public Settings(CamelContext context) {
        this.properties = context.getPropertiesComponent();
    }

    public String string(String key) {
        return properties.resolveProperty(key).map(String::trim).orElse("");
    }

    public int integer(String key) {
        return (int) number(key);
    }

    public long number(String key) {
        String value = string(key);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("property " + key + " must be a whole number, was '" + value + "'");
        }
    }

    public Path path(String key) {
        return Path.of(string(key)).toAbsolutePath().normalize();
    }
}
