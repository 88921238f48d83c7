with

source as (

    select * from {{ source('lake', 'vk__group') }}

),

renamed as (

    select
        -- ids
        'vk' as platform,
        -- the API's group id is positive; a community's account (owner) id is its negative
        case
            when group_id is null then capture_account_id
            when starts_with(group_id, '-') then group_id
            else '-' || group_id
        end as account_id,
        group_id,
        -- dimensions
        group_name,
        screen_name,
        -- measures
        members_count,
        -- timestamps
        fetched_at,
        -- lineage
        source_file,
        source_line

    from source

)

select * from renamed
