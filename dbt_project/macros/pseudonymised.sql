{#- A person's identity (commenter or mention author id, name, handle) as a keyed pseudonym:
    sha256(key || ':' || value), 64 hex characters; NULL stays NULL. The same person gets the same
    pseudonym everywhere, so counts and joins still work, but the name cannot be recovered without
    the key. The key is the DuckDB variable smm_pii_key, set on every dbt connection from SMM_PII_KEY
    by the profile plugin (pipelines/warehouse/dbt_pii_plugin.py); it is never part of the SQL text, so it
    is absent from compiled SQL, logs and stored view definitions.
    keep_raw: a condition, computed from the raw value, under which the value is a tracked brand
    account's own id or handle (an organisation, listed in brands.yml) and stays readable, so that
    "did the brand answer" comparisons downstream keep working. -#}
{% macro pseudonymised(value, keep_raw=none) -%}
    {%- set hashed -%}
        sha256(
            coalesce(getvariable('smm_pii_key'), error('smm_pii_key is not set: build with the smm profile'))
            || ':' || {{ value }}
        )
    {%- endset -%}
    {%- if keep_raw is none -%}
        {{ hashed }}
    {%- else -%}
        case when {{ keep_raw }} then {{ value }} else {{ hashed }} end
    {%- endif -%}
{%- endmacro %}
