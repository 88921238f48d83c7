{#- Canonical engagements: likes + comments + shares + saves, each missing component counted as 0;
    NULL only when all four are unknown (domain.md, Canonical metrics). Clicks are not engagements. -#}
{% macro engagements_sum(likes, comments, shares, saves) -%}
    case
        when {{ likes }} is null and {{ comments }} is null and {{ shares }} is null and {{ saves }} is null
            then null
        else coalesce({{ likes }}, 0) + coalesce({{ comments }}, 0)
            + coalesce({{ shares }}, 0) + coalesce({{ saves }}, 0)
    end
{%- endmacro %}
