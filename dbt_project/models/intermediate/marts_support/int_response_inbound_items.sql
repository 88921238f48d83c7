-- Inbound items addressed to own accounts and the brand's first response to each.
-- Comments: every comment on an own account's post not written by the account itself; its response
-- is the account's earliest reply whose parent is that comment. X: int_x_inbound (a tweet by someone
-- else that names the account's @handle or replies to it; its response is the account's earliest
-- tweet replied_to that tweet). Response times are calendar minutes. Business hours come
-- from the brand's configured days and start/end in the brand's timezone.

with

comments as (

    select * from {{ ref('int_comments') }}

),

x_inbound as (

    select * from {{ ref('int_x_inbound') }}

),

accounts as (

    select * from {{ ref('int_accounts') }}

),

brands as (

    select * from {{ ref('stg_config__brands') }}

),

own_accounts as (

    select
        accounts.platform,
        accounts.account_id,
        accounts.brand_id
    from accounts
    inner join brands
        on accounts.brand_id = brands.brand_id
    where brands.is_own

),

comment_inbound as (

    select
        comments.platform,
        comments.account_id,
        comments.brand_id,
        'comment' as inbound_kind,
        comments.comment_id as inbound_id,
        comments.created_at
    from comments
    inner join own_accounts
        on
            comments.platform = own_accounts.platform
            and comments.account_id = own_accounts.account_id
    where not coalesce(comments.is_own_author, false)

),

comment_responses as (

    select
        comment_inbound.platform,
        comment_inbound.inbound_id,
        min(replies.created_at) as first_response_at
    from comment_inbound
    inner join comments as replies
        on
            comment_inbound.platform = replies.platform
            and comment_inbound.inbound_id = replies.parent_comment_id
            and comment_inbound.created_at <= replies.created_at
    where replies.is_own_author
    group by comment_inbound.platform, comment_inbound.inbound_id

),

inbound as (

    select
        comment_inbound.*,
        comment_responses.first_response_at
    from comment_inbound
    left join comment_responses
        on
            comment_inbound.platform = comment_responses.platform
            and comment_inbound.inbound_id = comment_responses.inbound_id
    union all
    select
        x_inbound.platform,
        x_inbound.account_id,
        x_inbound.brand_id,
        'x_mention' as inbound_kind,
        x_inbound.inbound_id,
        x_inbound.created_at,
        x_inbound.first_response_at
    from x_inbound
    inner join own_accounts
        on
            x_inbound.platform = own_accounts.platform
            and x_inbound.account_id = own_accounts.account_id

),

localized as (

    select
        inbound.*,
        {{ local_date('inbound.created_at', 'brands.timezone') }} as local_date,
        inbound.created_at at time zone coalesce(brands.timezone, 'UTC') as created_at_local,
        nullif(replace(lower(brands.business_days), ' ', ''), '') as business_days,
        cast(nullif(brands.business_start, '') as time) as business_start,
        cast(nullif(brands.business_end, '') as time) as business_end
    from inbound
    left join brands
        on inbound.brand_id = brands.brand_id

),

final as (

    select
        platform,
        account_id,
        brand_id,
        inbound_kind,
        inbound_id,
        local_date,
        created_at,
        first_response_at,
        case
            when business_days is null or business_start is null or business_end is null then null
            else
                list_contains(
                    string_split(business_days, ','),
                    ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'][isodow(created_at_local)]
                )
                and case
                    when business_start < business_end
                        then
                            cast(created_at_local as time) >= business_start
                            and cast(created_at_local as time) < business_end
                    -- Hours that wrap past midnight (e.g. 20:00-02:00).
                    else
                        cast(created_at_local as time) >= business_start
                        or cast(created_at_local as time) < business_end
                end
        end as is_business_hours,
        first_response_at is not null as is_responded,
        date_diff('second', created_at, first_response_at) / 60.0 as first_response_minutes
    from localized

)

select * from final
