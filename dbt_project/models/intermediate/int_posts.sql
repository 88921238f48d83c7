{{ config(materialized='table') }}

-- One row per post of a tracked account (own and competitor), attributes from its latest capture.
-- is_deleted: the post was captured before but is missing from the account's latest listing run although
-- that run reaches back to (or past) its publication time. A listing run is a burst of listing captures
-- less than `listing_session_gap_minutes` apart (pages of one paginated request carry different times).
with

-- Not materialized: four CTEs read a few columns each, and a materialized copy of every capture with its
-- text cost more than reading the table four times (1.2 s of int_posts' 1.9 s at scale 70).
captures as not materialized (

    select * from {{ ref('int_post_listing_captures') }}

),

tracked_accounts as (

    select * from {{ ref('stg_config__tracked_accounts') }}

),

listing_times as (

    select distinct
        platform,
        account_id,
        fetched_at
    from captures
    where is_listing

),

listing_runs as (

    select
        platform,
        account_id,
        fetched_at,
        sum(is_new_run) over (
            partition by platform, account_id
            order by fetched_at
            rows between unbounded preceding and current row
        ) as run_number
    from (
        select
            platform,
            account_id,
            fetched_at,
            case
                when
                    lag(fetched_at) over (partition by platform, account_id order by fetched_at)
                    >= fetched_at - to_minutes(cast({{ var('listing_session_gap_minutes') }} as bigint))
                    then 0
                else 1
            end as is_new_run
        from listing_times
    ) as flagged

),

latest_runs as (

    select
        platform,
        account_id,
        min(fetched_at) as run_started_at
    from (
        select
            *,
            max(run_number) over (partition by platform, account_id) as last_run_number
        from listing_runs
    ) as numbered
    where run_number = last_run_number
    group by platform, account_id

),

latest_run_windows as (

    -- the oldest publication time the latest run returned: posts newer than it should all be there
    select
        latest_runs.platform,
        latest_runs.account_id,
        latest_runs.run_started_at,
        min(captures.published_at) as oldest_published_at
    from latest_runs
    inner join captures
        on
            latest_runs.platform = captures.platform
            and latest_runs.account_id = captures.account_id
            and latest_runs.run_started_at <= captures.fetched_at
            and captures.is_listing
    group by latest_runs.platform, latest_runs.account_id, latest_runs.run_started_at

),

latest_captures as (

    {{ latest_capture(
        'captures',
        ['platform', 'post_id'],
        ['account_id', 'content_type', 'text', 'url', 'is_hidden', 'published_at', 'published_date'],
        where='is_post'
    ) }}

),

latest as (

    select
        latest_captures.platform,
        latest_captures.post_id,
        latest_captures.capture.account_id,
        latest_captures.capture.content_type,
        latest_captures.capture.text,
        latest_captures.capture.url,
        latest_captures.capture.is_hidden,
        latest_captures.capture.published_at,
        latest_captures.capture.published_date,
        latest_captures.first_fetched_at,
        latest_captures.last_fetched_at
    from latest_captures

),

final as (

    select
        -- ids
        latest.platform,
        latest.post_id,
        latest.account_id,
        tracked_accounts.brand_id,
        -- dimensions
        latest.content_type,
        latest.text,
        latest.url,
        latest.is_hidden,
        coalesce(
            latest.last_fetched_at < latest_run_windows.run_started_at
            and latest.published_at >= latest_run_windows.oldest_published_at,
            false
        ) as is_deleted,
        -- timestamps
        latest.published_at,
        latest.published_date,
        latest.first_fetched_at,
        latest.last_fetched_at

    from latest
    inner join tracked_accounts
        on
            latest.platform = tracked_accounts.platform
            and latest.account_id = tracked_accounts.account_id
    left join latest_run_windows
        on
            latest.platform = latest_run_windows.platform
            and latest.account_id = latest_run_windows.account_id

)

select * from final
