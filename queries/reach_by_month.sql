-- Unique people and contacts per calendar month of the period.
-- A person seen in two months counts once in each month (people are counted per period).
with engagements_in_scope as (
    select * from engagements_in_scope(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
),

headcount_only_events as (
    select event_date, attendance from headcount_only_events(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
),

months as (
    select month from months_of_period($start::date, $end::date)
),

people_by_month as (
    select
        date_trunc('month', engaged_on)::date as month,
        count(distinct participant_key) as unique_people,
        count(*) as engagement_contacts
    from engagements_in_scope
    group by 1
),

headcount_by_month as (
    select date_trunc('month', event_date)::date as month, sum(attendance) as headcount_contacts
    from headcount_only_events
    group by 1
),

final as (
    select
        m.month,
        coalesce(p.unique_people, 0) as unique_people,
        coalesce(p.engagement_contacts, 0) + coalesce(h.headcount_contacts, 0) as contacts
    from months as m
    left join people_by_month as p using (month)
    left join headcount_by_month as h using (month)
)

select * from final
order by month
