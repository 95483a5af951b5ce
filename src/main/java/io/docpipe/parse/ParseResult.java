package io.docpipe.parse;

import java.math.BigDecimal;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The Markdown of a finished parse job with what LlamaParse reports it cost.
 *
 * @param pages       the document's pages as LlamaParse counted them (failed ones included), or null
 * @param credits     the credits LlamaParse reports for the job, or null when it reports none (the estimate stands)
 * @param failedPages page numbers (1-based) LlamaParse could not parse: the Markdown has the other pages only
 * @param pageError   what LlamaParse said about the first failed page, or null
 */
public record ParseResult(
        String markdown, Integer pages, BigDecimal credits, List<Integer> failedPages, String pageError) {

    public ParseResult {
        failedPages = failedPages == null ? List.of() : List.copyOf(failedPages);
    }

    public ParseResult(String markdown, Integer pages, BigDecimal credits) {
        this(markdown, pages, credits, List.of(), null);
    }

    /** The failed pages for a job's events, e.g. {@code pages 2, 5 failed (Timed out)}; empty when none failed. */
    public String failedPagesDetail() {
        if (failedPages.isEmpty()) {
            return "";
        }
        return (failedPages.size() == 1 ? "page " : "pages ")
                + failedPages.stream().map(String::valueOf).collect(Collectors.joining(", ")) + " failed"
                + (pageError == null || pageError.isBlank() ? "" : " (" + LlamaParseApi.abbreviate(pageError) + ")");
    }
}
