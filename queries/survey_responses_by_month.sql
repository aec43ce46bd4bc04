-- Survey responses per calendar month of the period (months without a response are 0).
with responses as (
    select date_trunc('month', responded_on)::date as month
    from surveys_in_scope(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
),

months as (
    select month from months_of_period($start::date, $end::date)
),

per_month as (
    select month, count(*) as responses
    from responses
    group by month
),

final as (
    select
        m.month,
        coalesce(r.responses, 0) as responses
    from months as m
    left join per_month as r using (month)
)

select * from final
order by month
