{#- A handle as handles are compared: lower case, without a leading '@' ('@AuroraCoffee' and 'auroracoffee'
    are one account). Staging pseudonymises this form, and the tracked handles are listed in it, so a
    tracked account's handle is recognised by its pseudonym in intermediate. -#}
{% macro normalised_handle(value) -%}
    lower(ltrim({{ value }}, '@'))
{%- endmacro %}
