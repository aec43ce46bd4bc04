-- Unique people and contacts by age group (individual records only: headcount-only event
-- attendance has no ages). A person whose records give two age groups counts in both.
with engagements_in_scope as (
    select * from engagements_in_scope(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
),

final as (
    select
        age_group,
        count(distinct participant_key) as unique_people,
        count(*) as contacts
    from engagements_in_scope
    group by age_group
)

select * from final
order by age_group nulls last
