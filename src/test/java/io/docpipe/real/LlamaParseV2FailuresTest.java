package io.docpipe.real;

import io.docpipe.testsupport.LlamaParseGeneration;

/** LlamaParse's error classes on Parse v2, the default: the same as v1's. */
class LlamaParseV2FailuresTest extends AbstractLlamaParseFailuresTest {

    @Override
    LlamaParseGeneration generation() {
        return LlamaParseGeneration.V2;
    }

    @Override
    String retiredOptionDetail() {
        return "The tier cost_effective is no longer offered";
    }

    @Override
    String retiredOptionNamed() {
        return "LLAMAPARSE_TIER=cost_effective";
    }
}
