-- Versions of a caller's source, deleted documents, the cancelled job state, and the change log that each
-- instance's search index follows.

-- Identical bytes may now be several documents: a version uploaded again under its source after another one, or
-- the same file under two sources. They share the stored file; duplicates are found by SHA-256 under a lock (see
-- sql/documents/lock-upload.sql) instead of by this constraint.
ALTER TABLE documents DROP CONSTRAINT documents_sha256_key;
ALTER TABLE documents ADD COLUMN source_id  text;          -- the caller's path, URL or key; NULL: no versions
ALTER TABLE documents ADD COLUMN version    integer;       -- 1, 2, ... within the source
ALTER TABLE documents ADD COLUMN deleted_at timestamptz;   -- a deleted document keeps its row (its job shows it)
ALTER TABLE documents ADD CONSTRAINT documents_version_check CHECK ((source_id IS NULL) = (version IS NULL));
CREATE UNIQUE INDEX documents_source_version_idx ON documents (source_id, version) WHERE source_id IS NOT NULL;
CREATE INDEX documents_sha256_idx ON documents (sha256) WHERE deleted_at IS NULL;

-- One row per source: the version numbers handed out, and the version searched. current_version only grows: a
-- version completing after a newer one never replaces it, and deleting the current version brings no older back.
CREATE TABLE sources (
    source_id            text        PRIMARY KEY,
    last_version         integer     NOT NULL,
    current_document_id  uuid        REFERENCES documents (id),   -- NULL: no version searchable
    current_version      integer,                                 -- the newest version that completed
    updated_at           timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE jobs DROP CONSTRAINT jobs_status_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_status_check CHECK (status IN (
    'uploaded', 'parse_queued', 'parsed', 'chunking', 'chunks_stored',
    'embedding_queued', 'embedding_in_progress', 'embeddings_stored', 'complete',
    'failed_parse', 'failed_chunking', 'failed_embedding', 'cancelled'));

-- A document whose searchable state changed (completed, replaced by a newer version, re-embedded, deleted), written
-- in the transaction that changed it. txid orders the log by transaction: an index that applied every change
-- visible in a snapshot stores that snapshot, and the changes it has not applied are exactly those whose
-- transaction the snapshot does not see (pg_visible_in_snapshot), whatever order transactions commit in.
CREATE TABLE search_changes (
    id           bigserial   PRIMARY KEY,
    document_id  uuid        NOT NULL,
    txid         xid8        NOT NULL DEFAULT pg_current_xact_id(),
    at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX search_changes_txid_idx ON search_changes (txid);
CREATE INDEX search_changes_at_idx ON search_changes (at);

-- The newest transaction whose changes the retention purge deleted: an index whose snapshot is older is rebuilt.
CREATE TABLE search_change_horizon (
    singleton       boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    purged_through  xid8    NOT NULL DEFAULT '0'
);
INSERT INTO search_change_horizon DEFAULT VALUES;

-- What search finds, defined once: complete, not deleted, and its source's current version (or without a source).
CREATE VIEW searchable_documents AS
SELECT d.id, d.filename, d.source_id
  FROM documents d
  JOIN jobs j ON j.document_id = d.id
  LEFT JOIN sources s ON s.source_id = d.source_id
 WHERE j.status = 'complete'
   AND d.deleted_at IS NULL
   AND (d.source_id IS NULL OR s.current_document_id = d.id);
