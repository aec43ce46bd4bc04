-- Unique people reached so far in the period, at the end of each of its months: a person counts
-- once, in the month of their first contact in the period (a target's progress, month by month).
with engagements_in_scope as (
    select participant_key, engaged_on
    from engagements_in_scope(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
),

first_month as (
    select participant_key, date_trunc('month', min(engaged_on))::date as month
    from engagements_in_scope
    group by participant_key
),

new_in_month as (
    select month, count(*) as new_people
    from first_month
    group by month
),

months as (
    select month from months_of_period($start::date, $end::date)
),

final as (
    select
        m.month,
        sum(coalesce(n.new_people, 0)) over (order by m.month)::bigint as unique_people
    from months as m
    left join new_in_month as n using (month)
)

select * from final
order by month
