{#- The brand-local calendar date of a UTC timestamp; a missing timezone falls back to UTC. -#}
{% macro local_date(timestamp_tz, timezone) -%}
    cast(({{ timestamp_tz }}) at time zone coalesce({{ timezone }}, 'UTC') as date)
{%- endmacro %}
