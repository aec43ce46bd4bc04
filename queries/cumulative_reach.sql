-- Unique people reached so far in the year, month by month: the calendar year in which the
-- period ends (up to its last day) and the whole year before it, for comparison. A person
-- counts once per year, in the month of their first contact that year. The period's start
-- is not used: a year-to-date line always starts on January 1.
with params as (
    select $end::date as end_date, year($end::date) as this_year
),

-- the filters' scope over the two years the lines show, not over the period
engagements_in_scope as (
    select participant_key, engaged_on
    from engagements_in_scope(
        make_date(year($end::date) - 1, 1, 1), $end::date,
        $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
),

first_month_in_year as (
    select year(engaged_on) as year, participant_key, min(month(engaged_on)) as month_of_year
    from engagements_in_scope
    group by all
),

new_in_month as (
    select year, month_of_year, count(*) as people
    from first_month_in_year
    group by all
),

-- every month of last year, and this year's months up to the period's end
months as (
    select p.this_year - 1 as year, unnest(range(1, 13)) as month_of_year
    from params as p
    union all
    select p.this_year, unnest(range(1, month(p.end_date) + 1))
    from params as p
),

final as (
    select
        m.year,
        m.month_of_year,
        make_date(m.year, m.month_of_year, 1) as month,
        sum(coalesce(n.people, 0)) over (
            partition by m.year order by m.month_of_year rows unbounded preceding
        ) as cumulative_people
    from months as m
    left join new_in_month as n using (year, month_of_year)
)

select * from final
order by year, month_of_year
