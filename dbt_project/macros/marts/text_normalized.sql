{#- Text folded for matching: accents stripped (Nestlé = Nestle, й = и on both sides), lower case,
    whitespace runs collapsed to one space. Applied identically to texts, aliases and lexicon terms. -#}
{% macro text_normalized(expression) -%}
    regexp_replace(lower(strip_accents(coalesce({{ expression }}, ''))), '\s+', ' ', 'g')
{%- endmacro %}
