-- People served by two or more partners in the same calendar year (counted on the
-- pseudonymised participant keys; only the counts leave the database).
with engagements_in_scope as (
    select * from engagements_in_scope(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
),

people as (
    select year(engaged_on) as year, participant_key, count(distinct partner_id) as partners
    from engagements_in_scope
    group by all
),

final as (
    select
        year,
        count(*) as unique_people,
        count(*) filter (where partners >= 2) as shared_people
    from people
    group by year
)

select * from final
order by year
