package io.docpipe.bench;

import java.util.List;

/**
 * Runs docpipe's benchmarks: {@code ./mvnw -B -q -Pbenchmark test-compile exec:java [-Dbench.run=pipeline,edge,search]}.
 * <ul>
 * <li>{@code pipeline} (default): the mock pipeline's throughput and latency ({@link PipelineBenchmark})</li>
 * <li>{@code edge}: real mode against rate-limited LlamaCloud and OpenAI stand-ins ({@link ProviderEdgeBenchmark})</li>
 * <li>{@code search}: indexing rate, search latency per mode and vector recall over 100,000 chunks
 * ({@link SearchBenchmark})</li>
 * <li>{@code large}: the service's peak RSS at {@code -Xmx256m} taking one document of 200 MB of text to complete
 * ({@link LargeDocumentProbe})</li>
 * </ul>
 */
public final class Benchmarks {

    private Benchmarks() {}

    public static void main(String[] args) throws Exception {
        List<String> runs = List.of(System.getProperty("bench.run", "pipeline").split(","));
        for (String run : runs) {
            switch (run.trim()) {
                case "pipeline" -> PipelineBenchmark.main(args);
                case "edge" -> ProviderEdgeBenchmark.main(args);
                case "search" -> SearchBenchmark.main(args);
                case "large" -> LargeDocumentProbe.main(args);
                default ->
                    throw new IllegalArgumentException(
                            "unknown benchmark '" + run + "': pipeline, edge, search or large");
            }
        }
        // the instances' thread pools are gone; stray non-daemon threads (WireMock, Jetty) must not keep Maven waiting
        System.exit(0);
    }
}
