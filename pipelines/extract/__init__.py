"""Extract stage: connectors that pull each platform's API into the landing as contract captures.

One module per platform (endpoints, paging, rate-limit policy); the shared machinery is `capture`
(atomic capture files), `redact` (secrets out of responses), `errors` (what a failed response means),
`http` (dlt's RESTClient with a retrying session), `state` (durable cursors), `credentials` (each
platform's variables, light enough for Dagster's definitions) and `run` (the orchestration).
"""
