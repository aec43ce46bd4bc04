-- Reach per calendar year: unique people, contacts with individual records, and new people
-- (whose first contact with the coalition ever, with any partner, was that year). The
-- filters choose the contacts; a person is new in the year of their first contact of all.
with engagements_in_scope as (
    select * from engagements_in_scope(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
),

first_years as (
    select participant_key, year(min(engaged_on)) as first_year
    from engagements
    group by participant_key
),

final as (
    select
        year(e.engaged_on) as year,
        count(distinct e.participant_key) as unique_people,
        count(*) as contacts,
        count(distinct e.participant_key) filter (where f.first_year = year(e.engaged_on)) as new_people
    from engagements_in_scope as e
    join first_years as f using (participant_key)
    group by all
)

select * from final
order by year
