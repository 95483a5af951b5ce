package io.docpipe.config;

import io.docpipe.api.HealthApi.ServiceHealth;
import io.docpipe.observe.CorrelationUnitOfWorkFactory;
import io.docpipe.storage.StorageOutage;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.UnitOfWorkFactory;

/**
 * Builds docpipe's beans from its properties and binds them under the names the routes use, one concern at a time
 * (the *Wiring classes beside this one). The service modes and their keys are checked first, then the database is
 * opened (embedded or external) and migrated, all before any route starts.
 */
public class DocpipeConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context);
        // every exchange starts without a correlation id left on its thread (camel.main.use-mdc-logging is on)
        context.getCamelContextExtension()
                .addContextPlugin(UnitOfWorkFactory.class, new CorrelationUnitOfWorkFactory(context));
        // settings that stop the start are read before the database opens
        // camel-resilience4j-micrometer publishes the breakers of the one CircuitBreakerRegistry in the registry
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
        context.getRegistry().bind("circuitBreakerRegistry", breakers);
        ProviderSettings llamaParse = ProviderSettings.read(settings, breakers, "llamaparse", "LLAMAPARSE");
        ProviderSettings openAi = ProviderSettings.read(settings, breakers, "openai", "OPENAI");
        ParseWiring.LlamaParseSettings llamaParseSettings = ParseWiring.LlamaParseSettings.read(settings);

        Foundation foundation = Foundation.open(context, settings);
        CostWiring.Costs costs = CostWiring.bind(foundation, llamaParse, openAi);
        SweepWiring.bind(foundation);
        StorageOutage storageOutage = StorageWiring.bind(foundation);
        Map<String, ServiceHealth> services = new LinkedHashMap<>();
        services.put("llamaparse", ParseWiring.bind(foundation, llamaParse, llamaParseSettings, costs, storageOutage));
        ChunkWiring.bind(foundation);
        EmbedWiring.Embedding embedding = EmbedWiring.bind(foundation, openAi, costs);
        services.put("openai", embedding.health());
        SearchWiring.bind(foundation, openAi, embedding.mockEmbedder());
        ApiWiring.bind(foundation, costs, services);
    }
}
