-- The job state machine of the contract as data, kept in one place: every statement that changes a job's status
-- joins this table, so a move that is not a row here changes no row (the database refuses it). JobStateMachine reads
-- it only to say why a move was refused. (Freeing an expired lease and noting an event change no status: not moves.)
-- A row (s, s) lets a job wait or be taken over in s: postponed, rescheduled or released where it is (an event row
-- from s to s), or its claim taken over by another worker after its lease expired. Failed and terminal states have
-- no such row: a failed job waits for its retry, a complete or cancelled one never moves again.
CREATE TABLE job_transitions (
    from_status text NOT NULL CHECK (from_status IN (
                    'uploaded', 'parse_queued', 'parsed', 'chunking', 'chunks_stored',
                    'embedding_queued', 'embedding_in_progress', 'embeddings_stored', 'complete',
                    'failed_parse', 'failed_chunking', 'failed_embedding', 'cancelled')),
    to_status   text NOT NULL CHECK (to_status IN (
                    'uploaded', 'parse_queued', 'parsed', 'chunking', 'chunks_stored',
                    'embedding_queued', 'embedding_in_progress', 'embeddings_stored', 'complete',
                    'failed_parse', 'failed_chunking', 'failed_embedding', 'cancelled')),
    PRIMARY KEY (from_status, to_status)
);

INSERT INTO job_transitions (from_status, to_status) VALUES
    -- the pipeline, each stage able to fail
    ('uploaded',              'parse_queued'),
    ('uploaded',              'failed_parse'),
    ('parse_queued',          'parsed'),
    ('parse_queued',          'failed_parse'),
    ('parsed',                'chunking'),
    ('parsed',                'failed_chunking'),
    ('chunking',              'chunks_stored'),
    ('chunking',              'failed_chunking'),
    ('chunks_stored',         'embedding_queued'),
    ('embedding_queued',      'embedding_in_progress'),
    ('embedding_queued',      'failed_embedding'),
    ('embedding_in_progress', 'embeddings_stored'),
    ('embedding_in_progress', 'failed_embedding'),
    -- back to the queue: the provider is unavailable and the job waits rather than fails
    ('embedding_in_progress', 'embedding_queued'),
    ('embeddings_stored',     'complete'),
    -- a retry puts a failed job back into the queue of the stage that failed
    -- (a failed parse whose LlamaParse job is known goes back to reading its result)
    ('failed_parse',          'uploaded'),
    ('failed_parse',          'parse_queued'),
    ('failed_chunking',       'parsed'),
    ('failed_embedding',      'embedding_queued'),
    -- a deleted document's job ends here from wherever it is, unless it had completed
    ('uploaded',              'cancelled'),
    ('parse_queued',          'cancelled'),
    ('parsed',                'cancelled'),
    ('chunking',              'cancelled'),
    ('chunks_stored',         'cancelled'),
    ('embedding_queued',      'cancelled'),
    ('embedding_in_progress', 'cancelled'),
    ('embeddings_stored',     'cancelled'),
    ('failed_parse',          'cancelled'),
    ('failed_chunking',       'cancelled'),
    ('failed_embedding',      'cancelled'),
    -- a job waits, or is taken over, where it is
    ('uploaded',              'uploaded'),
    ('parse_queued',          'parse_queued'),
    ('parsed',                'parsed'),
    ('chunking',              'chunking'),
    ('chunks_stored',         'chunks_stored'),
    ('embedding_queued',      'embedding_queued'),
    ('embedding_in_progress', 'embedding_in_progress'),
    ('embeddings_stored',     'embeddings_stored');

ANALYZE job_transitions;
