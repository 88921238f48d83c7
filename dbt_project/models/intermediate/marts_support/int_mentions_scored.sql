{{ config(materialized='table') }}

-- Each mention with its sentiment, engagements and reach as share of voice counts them.
-- Sentiment: the listening tool's label wins ('listening'); otherwise a lexicon score over the
-- text ('lexicon'): each token matching a term of the mention's language (all four lexicons when
-- the language is unknown) adds its polarity, flipped when the previous token is a negator;
-- score > 0 positive, < 0 negative, else neutral.

with

mentions as (

    select * from {{ ref('int_mentions') }}

),

lexicon as (

    select
        language,
        polarity,
        -- A trailing '*' marks a stem matched as a token prefix (inflected forms).
        ends_with(term, '*') as is_stem,
        {{ text_normalized("rtrim(term, '*')") }} as term
    from {{ ref('sentiment_lexicon') }}

),

normalized as (

    select
        mention_id,
        case
            when lower(trim(tool_sentiment)) in ('positive', 'pos', '1', '+1', '1.0') then 'positive'
            when lower(trim(tool_sentiment)) in ('negative', 'neg', '-1', '-1.0') then 'negative'
            when lower(trim(tool_sentiment)) in ('neutral', 'neu', '0', '0.0') then 'neutral'
        end as tool_sentiment,
        case
            when split_part(lower(trim(language)), '-', 1) in ('en', 'ru', 'uk', 'ro')
                then split_part(lower(trim(language)), '-', 1)
        end as lexicon_language,
        regexp_split_to_array({{ text_normalized('text') }}, '[^\p{L}\p{N}]+') as tokens
    from mentions

),

tokens as (

    select
        mention_id,
        lexicon_language,
        unnest(tokens) as token,
        generate_subscripts(tokens, 1) as token_position
    from normalized
    where tool_sentiment is null

),

tokens_in_context as (

    select
        mention_id,
        lexicon_language,
        token,
        token_position,
        lag(token) over (partition by mention_id order by token_position) in (
            'not', 'no', 'never', 'don', 'didn', 'doesn', 'isn', 'wasn',
            'не', 'ни', 'нет', 'ні', 'nu'
        ) as is_negated
    from tokens
    where token != ''

),

-- A token matches a term it equals, or a stem it starts with: either way its first letter is the
-- term's, so the join hashes on that letter and checks the rest per candidate pair. A join on the OR
-- alone was a nested loop over every token and every term (1.6 s of 2.8 s at scale 70). A stem is at
-- least one letter: a bare '*' matches nothing.
term_matches as (

    select
        tokens_in_context.mention_id,
        tokens_in_context.token_position,
        tokens_in_context.lexicon_language,
        tokens_in_context.is_negated,
        lexicon.language,
        lexicon.term,
        lexicon.polarity
    from tokens_in_context
    inner join lexicon
        on
            left(tokens_in_context.token, 1) = left(lexicon.term, 1)
            and (
                tokens_in_context.token = lexicon.term
                or (lexicon.is_stem and starts_with(tokens_in_context.token, lexicon.term))
            )

),

token_matches as (

    select
        mention_id,
        token_position,
        is_negated,
        polarity
    from term_matches
    where lexicon_language = language or lexicon_language is null
    -- Several terms can match one token (a stem and a word, or two languages): the longest wins.
    qualify row_number() over (
            partition by mention_id, token_position
            order by length(term) desc, polarity asc
        ) = 1

),

lexicon_scores as (

    select
        mention_id,
        sum(case when is_negated then -polarity else polarity end) as lexicon_score
    from token_matches
    group by mention_id

),

final as (

    select
        mentions.mention_id,
        mentions.platform,
        mentions.source,
        mentions.published_at,
        mentions.author_id,
        mentions.author_handle,
        mentions.language,
        mentions.text,
        mentions.is_brand_author,
        coalesce(
            normalized.tool_sentiment,
            case
                when lexicon_scores.lexicon_score > 0 then 'positive'
                when lexicon_scores.lexicon_score < 0 then 'negative'
                else 'neutral'
            end
        ) as sentiment,
        case when normalized.tool_sentiment is not null then 'listening' else 'lexicon' end
            as sentiment_source,
        lexicon_scores.lexicon_score,
        cast(coalesce(
            mentions.tool_engagements,
            {{ engagements_sum('mentions.likes', 'mentions.comments', 'mentions.shares', 'mentions.saves') }}
        ) as bigint) as mention_engagements,
        cast(coalesce(mentions.tool_reach, mentions.views, mentions.author_followers) as bigint)
            as mention_reach
    from mentions
    left join normalized
        on mentions.mention_id = normalized.mention_id
    left join lexicon_scores
        on mentions.mention_id = lexicon_scores.mention_id

)

select * from final
