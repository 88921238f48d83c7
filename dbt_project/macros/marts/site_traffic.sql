{#- Site-traffic rules of domain.md "Social traffic and conversions", each written once. -#}

{#- A page address as post attribution compares it: the path + query of a full URL (a link in a post) or of a
    GA4 landing page, the fragment dropped and every utm_* query parameter removed (the others kept, in
    order); the path '/' when empty. NULL stays NULL. -#}
{% macro page_without_utm(url) -%}
    {%- set page -%}
        regexp_replace(regexp_replace({{ url }}, '^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*', ''), '#.*$', '')
    {%- endset -%}
    {%- set query -%}
        case when strpos({{ page }}, '?') > 0 then substr({{ page }}, strpos({{ page }}, '?') + 1) else '' end
    {%- endset -%}
    {%- set kept -%}
        trim(regexp_replace(regexp_replace('&' || {{ query }}, '&utm_[^&]*', '', 'gi'), '&+', '&', 'g'), '&')
    {%- endset -%}
    case
        when {{ url }} is not null
            then coalesce(nullif(split_part({{ page }}, '?', 1), ''), '/')
            || case when {{ kept }} != '' then '?' || {{ kept }} else '' end
    end
{%- endmacro %}

{#- A session source as the platform mapping (seed social_traffic_sources) looks it up: lowercase,
    trimmed, without a leading `www.`. -#}
{% macro traffic_source_key(source) -%}
    regexp_replace(lower(trim({{ source }})), '^www\.', '')
{%- endmacro %}

{#- Paid social: the session's medium says an ad paid for the click. -#}
{% macro is_paid_medium(medium) -%}
    coalesce(lower(trim({{ medium }})) in ('cpc', 'paid', 'paid_social', 'paidsocial', 'ppc'), false)
{%- endmacro %}
