-- docpipe pipeline schema: documents, their ingestion jobs with an event log, chunks and embeddings.

CREATE TABLE documents (
    id               uuid        PRIMARY KEY,
    sha256           char(64)    NOT NULL UNIQUE,   -- content address: identical bytes are one document
    filename         text        NOT NULL,
    media_type       text        NOT NULL,
    size_bytes       bigint      NOT NULL CHECK (size_bytes > 0),
    storage_path     text        NOT NULL,          -- relative to DOCPIPE_DATA_DIR
    parsed_content   text,                          -- Markdown-ish text produced by the parse stage
    parse_provider   text,                          -- mock | llamaparse
    parse_pages      integer,
    parse_credits    numeric(12, 3),
    created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE jobs (
    id               uuid        PRIMARY KEY,
    document_id      uuid        NOT NULL UNIQUE REFERENCES documents (id),
    correlation_id   text        NOT NULL UNIQUE,
    status           text        NOT NULL CHECK (status IN (
                         'uploaded', 'parse_queued', 'parsed', 'chunking', 'chunks_stored',
                         'embedding_queued', 'embedding_in_progress', 'embeddings_stored', 'complete',
                         'failed_parse', 'failed_chunking', 'failed_embedding')),
    attempts         integer     NOT NULL DEFAULT 0,   -- failed attempts so far
    last_error       text,
    lease_owner      text,                             -- instance that holds the job while a stage works on it
    lease_expires_at timestamptz,                      -- after this any instance may reclaim the job
    not_before       timestamptz,                      -- a job is not claimed before this time (backoff, budgets)
    parse_job_id     text        UNIQUE,               -- external parse job (LlamaParse) while parse_queued
    cost_usd         numeric(12, 6) NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);

-- the claim queries look for unleased work per status, oldest first
CREATE INDEX jobs_claimable_idx ON jobs (status, updated_at) WHERE status NOT IN ('complete');

CREATE TABLE job_events (
    id               bigserial   PRIMARY KEY,
    job_id           uuid        NOT NULL REFERENCES jobs (id),
    correlation_id   text        NOT NULL,
    from_status      text,                             -- null for the job's creation
    to_status        text        NOT NULL,
    detail           text,
    actor            text        NOT NULL,             -- the instance that made the change
    at               timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX job_events_job_idx ON job_events (job_id, id);

CREATE TABLE chunks (
    id               bigserial   PRIMARY KEY,
    document_id      uuid        NOT NULL REFERENCES documents (id),
    ordinal          integer     NOT NULL CHECK (ordinal >= 0),
    text             text        NOT NULL,
    token_count      integer     NOT NULL CHECK (token_count > 0),
    UNIQUE (document_id, ordinal)
);

CREATE TABLE embeddings (
    chunk_id         bigint      PRIMARY KEY REFERENCES chunks (id) ON DELETE CASCADE,
    provider         text        NOT NULL,             -- mock | openai
    model            text        NOT NULL,
    dimensions       integer     NOT NULL CHECK (dimensions > 0),
    vector           real[]      NOT NULL CHECK (cardinality(vector) = dimensions),
    fallback         boolean     NOT NULL DEFAULT false, -- made by the mock while the real service was unavailable
    created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX embeddings_fallback_idx ON embeddings (chunk_id) WHERE fallback;
