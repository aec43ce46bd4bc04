-- Each question's answers among the responses in the period and filters, for the coalition
-- (`dimension` 'all') and for each partner, language, neighborhood and age group. Scale questions
-- are answered 1 to 5, yes/no questions 'yes' or 'no'; a response that left a question empty does
-- not count for it. Comments are not answers here (survey_comments.sql lists them, for staff).
with responses as (
    select *
    from surveys_in_scope(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
),

answers as (
    select partner_id, language, neighborhood, age_group, 'felt_safer' as question, felt_safer::varchar as answer
    from responses where felt_safer is not null
    union all
    select partner_id, language, neighborhood, age_group, 'trusts_organization', trusts_organization::varchar
    from responses where trusts_organization is not null
    union all
    select partner_id, language, neighborhood, age_group, 'satisfied', satisfied::varchar
    from responses where satisfied is not null
    union all
    select
        partner_id, language, neighborhood, age_group, 'knows_where_to_get_help',
        case when knows_where_to_get_help then 'yes' else 'no' end
    from responses where knows_where_to_get_help is not null
    union all
    select
        partner_id, language, neighborhood, age_group, 'would_recommend',
        case when would_recommend then 'yes' else 'no' end
    from responses where would_recommend is not null
),

-- one grouping set per breakdown; the column a set does not group by is null in its rows
grouped as (
    select
        case
            when grouping(partner_id) = 0 then 'partner'
            when grouping(language) = 0 then 'language'
            when grouping(neighborhood) = 0 then 'neighborhood'
            when grouping(age_group) = 0 then 'age_group'
            else 'all'
        end as dimension,
        partner_id,
        language,
        neighborhood,
        age_group,
        question,
        answer,
        count(*) as responses
    from answers
    group by grouping sets (
        (question, answer),
        (partner_id, question, answer),
        (language, question, answer),
        (neighborhood, question, answer),
        (age_group, question, answer)
    )
),

final as (
    select
        g.dimension,
        coalesce(g.partner_id, g.language, g.neighborhood, g.age_group) as group_value,
        g.partner_id,
        p.name as partner_name,
        g.question,
        g.answer,
        g.responses
    from grouped as g
    left join partners as p on p.partner_id = g.partner_id
)

select * from final
order by dimension, group_value nulls last, question, answer
