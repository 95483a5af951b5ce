package io.docpipe.upload;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** File names as clients send them, as docpipe keeps them. */
class SafeNameTest {

    @Test
    void should_drop_control_and_formatting_characters() {
        assertThat(UploadService.safeName("nul\u0000byte.txt")).isEqualTo("nulbyte.txt");
        assertThat(UploadService.safeName("line\nbreak\r.txt")).isEqualTo("linebreak.txt");
        assertThat(UploadService.safeName("\u202Egnp.exe.txt")).isEqualTo("gnp.exe.txt");
        assertThat(UploadService.safeName("\u0000")).isEqualTo("upload");
    }

    @Test
    void should_keep_the_last_path_segment_and_bound_the_length() {
        assertThat(UploadService.safeName("../../etc/passwd")).isEqualTo("passwd");
        assertThat(UploadService.safeName("C:\\Users\\me\\report.pdf")).isEqualTo("report.pdf");
        assertThat(UploadService.safeName("..")).isEqualTo("upload");
        assertThat(UploadService.safeName(null)).isEqualTo("upload");
        assertThat(UploadService.safeName("x".repeat(10_000))).hasSize(UploadService.MAX_NAME_CHARS);
        // a character outside the BMP is never cut in half
        assertThat(UploadService.safeName("x".repeat(254) + "\uD83D\uDE00")).hasSize(254);
        assertThat(UploadService.safeName("résumé 😀.pdf")).isEqualTo("résumé 😀.pdf");
    }
}
