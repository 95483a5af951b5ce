-- Vectors as binary (issue 9): 1536 float4 values as 6 KiB of bytea (big-endian IEEE 754, as float4send writes
-- them) instead of real[], which the JDBC driver sends as about 20 KiB of text for PostgreSQL to parse.
ALTER TABLE embeddings ADD COLUMN vector_bytes bytea;
UPDATE embeddings
   SET vector_bytes = (SELECT string_agg(float4send(x), ''::bytea ORDER BY n)
                         FROM unnest(vector) WITH ORDINALITY AS v (x, n));
ALTER TABLE embeddings DROP COLUMN vector;
ALTER TABLE embeddings RENAME COLUMN vector_bytes TO vector;
ALTER TABLE embeddings ALTER COLUMN vector SET NOT NULL;
ALTER TABLE embeddings ADD CONSTRAINT embeddings_vector_length CHECK (octet_length(vector) = 4 * dimensions);
-- vectors are read whole or not at all: keep them out of PostgreSQL's compression attempts
ALTER TABLE embeddings ALTER COLUMN vector SET STORAGE EXTERNAL;
