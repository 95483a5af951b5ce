-- LlamaParse Parse v2 (issue 13): a parse job that completed although some of its pages failed is stored with the
-- pages that succeeded; the numbers (1-based) of those that failed are kept on the job, which the job API shows.
-- NULL: no page failed, or the parser does not report pages.
ALTER TABLE jobs ADD COLUMN parse_failed_pages integer[];
