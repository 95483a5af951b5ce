package io.docpipe.real;

import io.docpipe.testsupport.LlamaParseGeneration;

/** LlamaParse's error classes on v1 ({@code LLAMAPARSE_API_VERSION=v1}). */
class LlamaParseFailuresTest extends AbstractLlamaParseFailuresTest {

    @Override
    LlamaParseGeneration generation() {
        return LlamaParseGeneration.V1;
    }

    /** What LlamaCloud answered a v1 parse mode it had retired (a probe of 2026-09, llamaparse-v2.md §1b.7). */
    @Override
    String retiredOptionDetail() {
        return "parse_mode parse_page_with_lvm is no longer supported, use a tier of Parse v2";
    }

    @Override
    String retiredOptionNamed() {
        return "LLAMAPARSE_API_VERSION=v1";
    }
}
