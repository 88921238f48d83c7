{% macro keys_in_build_window(relations, keys) -%}
    {#-
        The keys a model incremental by key rebuilds: those with a row fetched in the build window (macro
        in_build_window, on the UTC date of `fetched_at`) in any of `relations` — its inputs now, and the
        model itself as built (`this`), so a key whose row in the window disappeared is rebuilt too.
    -#}
    {%- for relation in relations -%}
        {%- if not loop.first %} union {% endif %}
        select {{ keys | join(', ') }}
        from {{ relation }}
        where {{ in_build_window('cast(fetched_at as date)') }}
    {%- endfor %}
{%- endmacro %}
