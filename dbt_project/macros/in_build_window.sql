{% macro in_build_window(column='fetch_date') -%}
    {#-
        The rows an incremental model (re)builds: its first build takes every row; later builds take the
        fetch dates the run plan found changed (pipelines/runtime/run_plan.py), as "<first>..<last>"
        (ISO dates), "none" (nothing changed) or "all".
    -#}
    {%- set window = build_window() -%}
    {%- if not is_incremental() or window == 'all' -%}
        true
    {%- elif window == 'none' -%}
        false
    {%- else -%}
        {%- set bounds = window.split('..') -%}
        {%- if bounds | length != 2 or bounds[0] | length != 10 or bounds[1] | length != 10 -%}
            {{ exceptions.raise_compiler_error(
                "build window " ~ window ~ " is not <first>..<last> (YYYY-MM-DD), 'none' or 'all'"
            ) }}
        {%- endif -%}
        {{ column }} between date '{{ bounds[0] }}' and date '{{ bounds[1] }}'
    {%- endif -%}
{%- endmacro %}


{% macro build_window() -%}
    {#-
        The pipeline writes the window into the build file (table ops.dbt_build_window) before dbt
        starts, not as --vars, which would make dbt re-parse the whole project on every run. A hand run
        can still pass --vars '{build_window: ...}'; with neither, every row is rebuilt.
    -#}
    {%- set window = var('build_window', none) -%}
    {%- if window is none and execute -%}
        {%- set exists = run_query(
            "select count(*) from information_schema.tables"
            ~ " where table_schema = 'ops' and table_name = 'dbt_build_window'"
        ).columns[0].values()[0] -%}
        {%- if exists -%}
            {%- set window = run_query("select window_spec from ops.dbt_build_window").columns[0].values()[0] -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(window or 'all') }}
{%- endmacro %}
