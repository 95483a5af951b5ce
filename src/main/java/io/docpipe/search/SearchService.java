package io.docpipe.search;

import io.docpipe.search.SearchIndex.Hit;
import io.docpipe.search.SearchIndex.Ranked;
import io.docpipe.search.SearchIndex.Searcher;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Runs a search on this instance's index: BM25 over the words, HNSW over the vectors of each space the query was
 * embedded in, and, when there is more than one ranked list, reciprocal rank fusion (each list gives a chunk
 * 1 / (rank constant + its rank)). Says how complete the searched index is: documents whose jobs have not completed,
 * and embeddings whose change the index has not applied yet.
 */
public class SearchService {

    /** What a search answers. */
    public record Results(List<Hit> hits, long pendingDocuments, long indexLag) {}

    private final SearchIndex index;
    private final SearchQueries queries;
    private final int candidates;
    private final int rankConstant;
    /** The last lag counted, when not 0: searches of the same published batch may share it ({@link #indexLag}). */
    private volatile CountedLag lastLag;

    private record CountedLag(String applied, Set<UUID> only, long lag, long countedAt, long reusableNanos) {}

    /**
     * @param candidates   chunks each ranked list looks at (the HNSW search's breadth, and what fusion ranks)
     * @param rankConstant reciprocal rank fusion's k (60 in the original paper)
     */
    public SearchService(SearchIndex index, SearchQueries queries, int candidates, int rankConstant) {
        this.index = index;
        this.queries = queries;
        this.candidates = candidates;
        this.rankConstant = rankConstant;
    }

    public Results search(SearchRequest request, QueryVectors vectors) throws IOException {
        Set<UUID> only = request.documentIds();
        if (only != null && only.isEmpty()) {
            return new Results(List.of(), 0, 0);
        }
        int k = request.k();
        int breadth = Math.max(k, candidates);
        List<Hit> hits;
        long lag;
        try (Searcher searcher = index.acquire()) {
            List<List<Ranked>> lists = new ArrayList<>();
            if (request.mode().usesWords()) {
                lists.add(searcher.keyword(request.query(), breadth, only));
            }
            if (request.mode().usesVectors()) {
                for (Map.Entry<VectorSpace, float[]> vector : vectors.vectors().entrySet()) {
                    lists.add(searcher.vector(vector.getKey(), vector.getValue(), breadth, candidates, only));
                }
            }
            hits = searcher.hits(lists.size() == 1 ? best(lists.get(0), k) : fuse(lists, k));
            lag = indexLag(searcher, only);
        }
        return new Results(hits, queries.pendingDocuments(only), lag);
    }

    /** One list as it is, ties in chunk order, so every instance answers alike. */
    private static List<Ranked> best(List<Ranked> ranked, int k) {
        return ranked.stream()
                .sorted(Comparator.comparing(Ranked::score).reversed().thenComparing(Ranked::chunkId))
                .limit(k)
                .toList();
    }

    /** Reciprocal rank fusion: a chunk scores the sum of 1 / (rank constant + rank) over the lists it is in. */
    private List<Ranked> fuse(List<List<Ranked>> lists, int k) {
        Map<Long, Integer> docs = new HashMap<>();
        Map<Long, Double> fused = new HashMap<>();
        for (List<Ranked> list : lists) {
            List<Ranked> ordered = best(list, list.size());
            for (int rank = 1; rank <= ordered.size(); rank++) {
                Ranked chunk = ordered.get(rank - 1);
                docs.putIfAbsent(chunk.chunkId(), chunk.doc());
                fused.merge(chunk.chunkId(), 1.0 / (rankConstant + rank), Double::sum);
            }
        }
        return fused.entrySet().stream()
                .sorted(Map.Entry.<Long, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(k)
                .map(entry -> new Ranked(
                        docs.get(entry.getKey()),
                        entry.getKey(),
                        entry.getValue().floatValue()))
                .toList();
    }

    /**
     * Embeddings whose change the searched commit has not applied: of a document added or re-embedded, those search
     * will find; of one replaced or deleted, those the index still holds.
     *
     * <p>Counting costs a look at every unapplied document, so a count that is not 0 is shared by the searches of the
     * same published batch for ten times as long as it took (while an index catches up, the count then costs at most a
     * tenth of a processor however often searches ask). A shared count is never a false 0: while the searched batch
     * stays the same, what it has not applied only grows.
     */
    private long indexLag(Searcher searcher, Set<UUID> only) throws IOException {
        String applied = searcher.appliedSnapshot();
        if (applied == null) {
            return queries.searchableEmbeddings();
        }
        long started = System.nanoTime();
        CountedLag last = lastLag;
        if (last != null
                && last.applied().equals(applied)
                && Objects.equals(last.only(), only)
                && started - last.countedAt() < last.reusableNanos()) {
            return last.lag();
        }
        long lag = 0;
        for (Map.Entry<UUID, Long> change : queries.unappliedEmbeddings(applied).entrySet()) {
            if (only == null || only.contains(change.getKey())) {
                lag += Math.max(change.getValue(), searcher.entriesOf(change.getKey()));
            }
        }
        if (lag > 0) {
            lastLag = new CountedLag(applied, only, lag, started, 10 * (System.nanoTime() - started));
        }
        return lag;
    }
}
