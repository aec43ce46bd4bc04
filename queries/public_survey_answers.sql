-- Survey answers for the public impact page: per calendar year of the page's period (clipped to
-- it, so "2026 so far, to November 30" counts answers to November 30) and its partners, how many
-- responses gave each answer to each question. Aggregates only: no comment, no group, nothing
-- about a single response; impact.public protects the small counts with the rest of the page.
with responses as (
    select
        year(responded_on) as year,
        felt_safer,
        trusts_organization,
        satisfied,
        knows_where_to_get_help,
        would_recommend
    from surveys_in_scope($start::date, $end::date, $partners::varchar[], null, null)
),

answers as (
    select year, 'felt_safer' as question, felt_safer::varchar as answer
    from responses where felt_safer is not null
    union all
    select year, 'trusts_organization', trusts_organization::varchar
    from responses where trusts_organization is not null
    union all
    select year, 'satisfied', satisfied::varchar
    from responses where satisfied is not null
    union all
    select year, 'knows_where_to_get_help', case when knows_where_to_get_help then 'yes' else 'no' end
    from responses where knows_where_to_get_help is not null
    union all
    select year, 'would_recommend', case when would_recommend then 'yes' else 'no' end
    from responses where would_recommend is not null
),

final as (
    select
        year,
        question,
        answer,
        count(*) as responses
    from answers
    group by year, question, answer
)

-- by name, never by count: the order must not rank the counts that are suppressed
select * from final
order by year, question, answer
