"""The key that pseudonymises people: commenters and mention authors.

dbt staging replaces their ids, names and handles with sha256(key || ':' || value) (macro
`pseudonymised`), so the warehouse can count and join people without naming them. The key comes
from SMM_PII_KEY. Without it the published demo key below is used: fine for sample data, useless
for real people (anyone can hash candidate names with a public key), so set your own outside the
demo and keep it as secret as an API token. Changing the key changes every pseudonym.

The key reaches DuckDB only as a session variable (see `dbt_session_plugin`), never as SQL text, so
it is absent from compiled SQL, dbt logs and the view definitions stored in the published file.
"""

from __future__ import annotations

import os

KEY_ENV = "SMM_PII_KEY"
# Public on purpose (README): the demo must run with no setup.
DEMO_PII_KEY = "smm-demo-pii-key-not-secret"
# The DuckDB variable the `pseudonymised` dbt macro reads with getvariable().
DUCKDB_VARIABLE = "smm_pii_key"


def pii_key() -> str:
    return os.environ.get(KEY_ENV) or DEMO_PII_KEY


def using_demo_key() -> bool:
    return not os.environ.get(KEY_ENV)
