-- Inbound X tweets for own accounts: tweets by someone else that name the account's @handle or reply to
-- it, with the time of the account's first reply to each (its tweet replied_to the inbound tweet).
-- Retweets ("RT @handle: …") repeat the account's own words and are not addressed to it.
with

own_accounts as (

    select
        accounts.platform,
        accounts.account_id,
        accounts.brand_id,
        accounts.handle,
        tracked_accounts.timezone
    from {{ ref('int_accounts') }} as accounts
    inner join {{ ref('stg_config__tracked_accounts') }} as tracked_accounts
        on
            accounts.platform = tracked_accounts.platform
            and accounts.account_id = tracked_accounts.account_id
    where accounts.platform = 'x' and tracked_accounts.is_own

),

mentions as (

    select * from {{ ref('stg_x__mentions') }}
    qualify row_number() over (
            partition by tweet_id
            order by fetched_at desc, source_file desc, source_line desc
        ) = 1

),

inbound as (

    select distinct
        mentions.tweet_id as inbound_id,
        own_accounts.account_id,
        own_accounts.brand_id,
        own_accounts.timezone,
        mentions.published_at as created_at
    from mentions
    inner join own_accounts
        on
            mentions.in_reply_to_user_id = own_accounts.account_id
            or regexp_matches(
                lower(mentions.text),
                '(^|[^a-z0-9_])@' || lower(own_accounts.handle) || '($|[^a-z0-9_])'
            )
    where
        coalesce(mentions.author_id <> own_accounts.account_id, true)
        and not coalesce(starts_with(mentions.text, 'RT @'), false)

),

own_replies as (

    select
        account_id,
        replied_to_tweet_id,
        min(published_at) as first_response_at
    from {{ ref('stg_x__tweets') }}
    where replied_to_tweet_id is not null
    group by account_id, replied_to_tweet_id

),

final as (

    select
        -- ids
        'x' as platform,
        inbound.inbound_id,
        inbound.account_id,
        inbound.brand_id,
        -- timestamps
        inbound.created_at,
        {{ local_date('inbound.created_at', 'inbound.timezone') }} as created_date,
        own_replies.first_response_at

    from inbound
    left join own_replies
        on
            inbound.account_id = own_replies.account_id
            and inbound.inbound_id = own_replies.replied_to_tweet_id
            and inbound.created_at <= own_replies.first_response_at

)

select * from final
