package io.docpipe.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.docpipe.testsupport.RunningDocpipe;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With local storage, GET /api/v1/documents/{id}/download streams the stored bytes under the document's name. */
class DownloadApiTest {

    @Test
    void should_stream_the_bytes_of_a_locally_stored_document() {
        try (RunningDocpipe app =
                RunningDocpipe.start(Map.of("docpipe.api.token", "local-token")).withApiToken("local-token")) {
            byte[] bytes =
                    "# Local\n\nStreamed from the data directory: «ünïcode» kept.\n".getBytes(StandardCharsets.UTF_8);
            String documentId = app.upload("notes draft ü.md", bytes)
                    .json()
                    .path("document_id")
                    .asText();

            HttpResponse<byte[]> download = app.getBytes("/api/v1/documents/" + documentId + "/download");
            assertThat(download.statusCode()).isEqualTo(200);
            assertThat(download.body()).isEqualTo(bytes);
            assertThat(download.headers().firstValue("Content-Type")).hasValue("text/x-web-markdown");
            assertThat(download.headers().firstValue("Content-Disposition"))
                    .hasValue("attachment; filename=\"notes draft _.md\"; filename*=UTF-8''notes%20draft%20%C3%BC.md");

            assertThat(app.get("/api/v1/documents/3f1f5d0e-0000-4000-8000-000000000000/download")
                            .status())
                    .isEqualTo(404);
            assertThat(app.delete("/api/v1/documents/" + documentId).status()).isEqualTo(204);
            assertThat(app.get("/api/v1/documents/" + documentId + "/download").status())
                    .isEqualTo(404);
            assertThat(app.withApiToken(null)
                            .get("/api/v1/documents/" + documentId + "/download")
                            .status())
                    .isEqualTo(401);
        }
    }
}
