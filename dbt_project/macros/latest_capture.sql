{#- One row per key of `captures` (a CTE name): the key, its latest capture's `columns` as the struct
    `capture`, and its first and last fetched_at. Captures are unique by key, fetched_at, source_file
    and source_line (a data test says so upstream), and the latest is the greatest of those three.
    Only the keys go through the aggregate; the latest row's columns are then joined back: carrying
    every capture's text through an arg_max cost ~1.5x as much (int_posts, int_comments at scale 70). -#}
{% macro latest_capture(captures, keys, columns, where='true') -%}
    {%- set latest_keys = [] -%}
    {%- set same_key = [] -%}
    {%- for key in keys -%}
        {%- do latest_keys.append('latest_keys.' ~ key) -%}
        {%- do same_key.append('latest_keys.' ~ key ~ ' = ' ~ captures ~ '.' ~ key) -%}
    {%- endfor -%}
    {%- set captured = [] -%}
    {%- for column in columns -%}
        {%- do captured.append(captures ~ '.' ~ column) -%}
    {%- endfor -%}
    select
        {{ latest_keys | join(', ') }},
        struct_pack({{ captured | join(', ') }}) as capture,
        latest_keys.first_fetched_at,
        latest_keys.last_fetched_at
    from (
        select
            {{ keys | join(', ') }},
            max(struct_pack(fetched_at, source_file, source_line)) as latest,
            min(fetched_at) as first_fetched_at,
            max(fetched_at) as last_fetched_at
        from {{ captures }}
        where {{ where }}
        group by {{ keys | join(', ') }}
    ) as latest_keys
    inner join {{ captures }}
        on
            {{ same_key | join(' and ') }}
            and latest_keys.latest.fetched_at = {{ captures }}.fetched_at
            and latest_keys.latest.source_file is not distinct from {{ captures }}.source_file
            and latest_keys.latest.source_line is not distinct from {{ captures }}.source_line
    where {{ where }}
{%- endmacro %}
