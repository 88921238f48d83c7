-- Inbound X tweets for own accounts: tweets by someone else that name the account's @handle or reply to
-- it, with the time of the account's first reply to each (its tweet replied_to the inbound tweet).
-- Retweets ("RT @handle: …") repeat the account's own words and are not addressed to it.
-- Staging pseudonymised the tweets' user ids, so the account is recognised by its pseudonym.
with

own_accounts as (

    select
        accounts.platform,
        accounts.account_id,
        accounts.brand_id,
        accounts.handle,
        tracked_accounts.timezone,
        tracked_ids.pseudonym as account_pseudonym
    from {{ ref('int_accounts') }} as accounts
    inner join {{ ref('stg_config__tracked_accounts') }} as tracked_accounts
        on
            accounts.platform = tracked_accounts.platform
            and accounts.account_id = tracked_accounts.account_id
    inner join {{ ref('int_tracked_pseudonyms') }} as tracked_ids
        on
            tracked_ids.identity_kind = 'account_id'
            and accounts.platform = tracked_ids.platform
            and accounts.account_id = tracked_ids.identity
    where accounts.platform = 'x' and tracked_accounts.is_own

),

mentions as (

    select * from {{ ref('stg_x__mentions') }}
    qualify row_number() over (
            partition by tweet_id
            order by fetched_at desc, source_file desc, source_line desc
        ) = 1

),

-- The @handles a tweet names: "@" at the start or after a non-word character, then the whole run of word
-- characters (so @auroracoffeeshop does not name @auroracoffee). One constant regex per tweet, then an
-- equi-join on the handle: a regex built per (tweet, account) pair made this a nested-loop join whose cost
-- grew with tweets × accounts (docs/benchmarks.md, 2026-11-22).
named_handles as (

    select distinct
        tweet_id,
        unnest(regexp_extract_all(lower(text), '(?:^|[^a-z0-9_])@([a-z0-9_]+)', 1)) as handle
    from mentions

),

addressed as (

    select
        mentions.tweet_id,
        own_accounts.account_id
    from mentions
    inner join own_accounts on mentions.in_reply_to_user_id = own_accounts.account_pseudonym

    union

    select
        named_handles.tweet_id,
        own_accounts.account_id
    from named_handles
    inner join own_accounts on named_handles.handle = lower(own_accounts.handle)

),

inbound as (

    select distinct
        mentions.tweet_id as inbound_id,
        own_accounts.account_id,
        own_accounts.brand_id,
        own_accounts.timezone,
        mentions.published_at as created_at
    from mentions
    inner join addressed on mentions.tweet_id = addressed.tweet_id
    inner join own_accounts on addressed.account_id = own_accounts.account_id
    where
        coalesce(mentions.author_id <> own_accounts.account_pseudonym, true)
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
