{% macro in_build_window(column='fetch_date') -%}
    {#-
        The rows an incremental model (re)builds: its first build takes every row; later builds take the
        fetch dates the run plan found changed (pipelines/runtime/run_plan.py), given as the dbt var
        build_window = "<first>..<last>" (ISO dates), "none" (nothing changed) or "all".
    -#}
    {%- set window = var('build_window', 'all') -%}
    {%- if not is_incremental() or window == 'all' -%}
        true
    {%- elif window == 'none' -%}
        false
    {%- else -%}
        {%- set bounds = window.split('..') -%}
        {%- if bounds | length != 2 or bounds[0] | length != 10 or bounds[1] | length != 10 -%}
            {{ exceptions.raise_compiler_error(
                "build_window=" ~ window ~ " is not <first>..<last> (YYYY-MM-DD), 'none' or 'all'"
            ) }}
        {%- endif -%}
        {{ column }} between date '{{ bounds[0] }}' and date '{{ bounds[1] }}'
    {%- endif -%}
{%- endmacro %}
