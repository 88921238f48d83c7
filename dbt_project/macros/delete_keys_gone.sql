{% macro delete_keys_gone(source, keys) -%}
    {#-
        Post-hook of a model incremental by key (delete+insert): a build replaces the keys its new rows
        hold, so a key whose every row is gone upstream (`source` no longer has it) is deleted here.
    -#}
    delete from {{ this }}
    where ({{ keys | join(', ') }}) not in (select {{ keys | join(', ') }} from {{ source }})
{%- endmacro %}
