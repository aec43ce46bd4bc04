-- People by the calendar year of their first contact in scope, and how many of them had a
-- contact in scope in a later year (up to the period's end). The latest year's people have
-- had no later year yet.
with engagements_in_scope as (
    select * from engagements_in_scope(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
),

people as (
    select participant_key, min(year(engaged_on)) as first_year, max(year(engaged_on)) as last_year
    from engagements_in_scope
    group by participant_key
),

final as (
    select
        first_year,
        count(*) as people,
        count(*) filter (where last_year > first_year) as returned_later
    from people
    group by first_year
)

select * from final
order by first_year
