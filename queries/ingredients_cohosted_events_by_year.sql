-- Events per calendar year, each once, and those held by two or more partners (a host and at
-- least one co-host).
with events_in_scope as (
    select * from events_in_scope(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
),

final as (
    select
        year(event_date) as year,
        count(*) as events,
        count(*) filter (where coalesce(len(co_host_partner_ids), 0) > 0) as cohosted_events
    from events_in_scope
    group by year
)

select * from final
order by year
