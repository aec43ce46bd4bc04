-- Unique people and contacts by age group (individual records only: headcount-only event
-- attendance has no ages). A person whose records give two age groups counts in both.
with params as (
    select
        $start::date as start_date,
        $end::date as end_date,
        $partners::varchar[] as partners,
        $languages::varchar[] as languages,
        $neighborhoods::varchar[] as neighborhoods
),

engagements_in_scope as (
    select e.*
    from engagements as e, params as p
    where e.engaged_on between p.start_date and p.end_date
        and (p.partners is null or list_contains(p.partners, e.partner_id))
        and (p.languages is null or list_contains(p.languages, e.language))
        and (p.neighborhoods is null or list_contains(p.neighborhoods, e.neighborhood))
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
