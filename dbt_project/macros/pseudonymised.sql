{#- An identity (commenter or mention author id, name, handle) as a keyed pseudonym:
    sha256(key || ':' || value), 64 hex characters; NULL stays NULL. The same person gets the same
    pseudonym everywhere, so counts and joins still work, but the name cannot be recovered without
    the key. The key is the DuckDB variable smm_pii_key, set on every dbt connection from SMM_PII_KEY
    by the profile plugin (pipelines/warehouse/dbt_session_plugin.py); it is never part of the SQL text, so it
    is absent from compiled SQL, logs and stored view definitions.
    Staging pseudonymises every author unconditionally; int_tracked_pseudonyms applies the same macro to
    the tracked brand accounts' ids and handles, so intermediate recognises them by pseudonym and puts
    their readable values back. -#}
{% macro pseudonymised(value) -%}
    sha256(
        coalesce(getvariable('smm_pii_key'), error('smm_pii_key is not set: build with the smm profile'))
        || ':' || {{ value }}
    )
{%- endmacro %}
