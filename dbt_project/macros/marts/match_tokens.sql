{#- Text reduced to space-separated tokens for whole-word matching, padded with a space each side.
    A token is a run of letters, digits, '_', '#' or '@' (Latin, Cyrillic, any script); everything
    else becomes one space. Matching an alias is then `contains(text_tokens, alias_tokens)`: no
    per-row regex (RE2 compiles a non-constant pattern on every row, which cost minutes), and word
    boundaries hold because both sides are padded. Punctuation inside an alias ("Brew.io", "C&A")
    becomes a space on both sides, so it still matches the same spelling in text. -#}
{% macro match_tokens(normalized_expression) -%}
    (' ' || trim(regexp_replace({{ normalized_expression }}, '[^\p{L}\p{N}_#@]+', ' ', 'g')) || ' ')
{%- endmacro %}
