{#- Fails for every combination of the given columns that occurs more than once (NULLs compare equal,
    as in GROUP BY). Used where the grain is a compound key, e.g. (post_id, fetched_at) in staging,
    since dbt packages (dbt_utils) are not installed offline. -#}
{% test unique_combination(model, combination_of_columns) %}

select
    {{ combination_of_columns | join(', ') }},
    count(*) as n_rows
from {{ model }}
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1

{% endtest %}
