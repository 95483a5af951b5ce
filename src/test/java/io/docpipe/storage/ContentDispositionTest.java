package io.docpipe.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A document's name in Content-Disposition: an ASCII fallback without quotes or backslashes, and the exact name. */
class ContentDispositionTest {

    @Test
    void should_quote_nothing_a_client_could_misread() {
        assertThat(ContentDisposition.attachment("report \"final\" (v2)*.pdf"))
                .isEqualTo(
                        "attachment; filename=\"report _final_ (v2)*.pdf\"; filename*=UTF-8''report%20%22final%22%20%28v2%29%2A.pdf");
        assertThat(ContentDisposition.attachment("Übersicht–2026.docx"))
                .isEqualTo(
                        "attachment; filename=\"_bersicht_2026.docx\"; filename*=UTF-8''%C3%9Cbersicht%E2%80%932026.docx");
    }
}
