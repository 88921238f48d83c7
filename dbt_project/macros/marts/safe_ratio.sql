{#- A ratio stored as a fraction: NULL when the denominator is 0 or NULL (domain.md, Ratios). -#}
{% macro safe_ratio(numerator, denominator) -%}
    cast({{ numerator }} as double) / nullif({{ denominator }}, 0)
{%- endmacro %}
