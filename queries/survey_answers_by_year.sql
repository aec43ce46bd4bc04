-- The coalition's survey answers per calendar year: for each question, how many responses gave
-- each answer. Aggregates only, for every partner together: no comment, no partner, language or
-- neighborhood, nothing about a single response (for the public impact page, which suppresses
-- small counts itself).
with responses as (
    select
        year(responded_on) as year,
        felt_safer,
        trusts_organization,
        satisfied,
        knows_where_to_get_help,
        would_recommend
    from surveys
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

select * from final
order by year, question, answer
