{% macro in_build_window(column='fetch_date') -%}
    {#-
        The rows an incremental model (re)builds: its first build takes every row; later builds take the
        fetch dates the orchestrator found changed in the lake (pipelines/warehouse/build_plan.py), given as
        SMM_BUILD_WINDOW = "<first>..<last>" (ISO dates), "none" (nothing changed) or "all".
    -#}
    {%- set window = env_var('SMM_BUILD_WINDOW', 'all') -%}
    {%- if not is_incremental() or window == 'all' -%}
        true
    {%- elif window == 'none' -%}
        false
    {%- else -%}
        {%- set bounds = window.split('..') -%}
        {%- if bounds | length != 2 or bounds[0] | length != 10 or bounds[1] | length != 10 -%}
            {{ exceptions.raise_compiler_error(
                "SMM_BUILD_WINDOW=" ~ window ~ " is not <first>..<last> (YYYY-MM-DD), 'none' or 'all'"
            ) }}
        {%- endif -%}
        {{ column }} between date '{{ bounds[0] }}' and date '{{ bounds[1] }}'
    {%- endif -%}
{%- endmacro %}
