-- Failed jobs no automatic retry will pick up: they wait for a person (POST /api/v1/jobs/{id}/retry).
SELECT count(*) FROM jobs WHERE dead
