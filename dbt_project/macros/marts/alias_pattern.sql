{#- An RE2 pattern that finds a normalised alias as a whole word in Latin or Cyrillic text.
    \b is ASCII-only in RE2, so the boundaries are explicit: start/end of text or a character that
    is not a letter, digit or underscore. Regex metacharacters in the alias are escaped, so
    "#tag", "@handle", "C&A" or "Dr. Pepper" match literally. -#}
{% macro alias_pattern(normalized_alias) -%}
    '(^|[^\p{L}\p{N}_])'
    || regexp_replace({{ normalized_alias }}, '([.^$*+?()\[\]{}|\\])', '\\\1', 'g')
    || '($|[^\p{L}\p{N}_])'
{%- endmacro %}
