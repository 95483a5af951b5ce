-- A chunk has one embedding: a retried or reclaimed batch never adds a second row.
INSERT INTO embeddings (chunk_id, provider, model, dimensions, vector, fallback)
VALUES (:chunk_id, :provider, :model, :dimensions, :vector, :fallback)
ON CONFLICT (chunk_id) DO NOTHING
