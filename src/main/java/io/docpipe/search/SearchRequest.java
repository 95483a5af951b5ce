package io.docpipe.search;

import java.util.Set;
import java.util.UUID;

/**
 * A search as {@code POST /api/v1/search} asked for it, checked.
 *
 * @param documentIds only chunks of these documents, or null for all
 */
public record SearchRequest(String query, int k, SearchMode mode, Set<UUID> documentIds) {}
