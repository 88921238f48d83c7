{#- Use a model's custom schema as-is (staging, intermediate, marts), not prefixed with the target schema,
    so readers find `marts.fct_*` whatever the target is. Without a custom schema: the target schema. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
