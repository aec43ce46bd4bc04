-- Events per partner and event type, hosted or co-hosted (a co-hosted event counts for
-- each of its partners).
with params as (
    select $partners::varchar[] as partners
),

events_in_scope as (
    select * from events_in_scope(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
),

-- one row per event and partner that hosted or co-hosted it (of the selected partners)
partner_events as (
    select pe.*
    from (
        select event_id, event_date, event_type, host_partner_id as partner_id, true as hosted
        from events_in_scope
        union all
        select ev.event_id, ev.event_date, ev.event_type, c.partner_id, false
        from events_in_scope as ev
        join event_cohosts as c using (event_id)
    ) as pe, params as p
    where p.partners is null or list_contains(p.partners, pe.partner_id)
),

final as (
    select
        pe.partner_id,
        pa.name as partner_name,
        pe.event_type,
        count(*) as events
    from partner_events as pe
    join partners as pa using (partner_id)
    group by all
)

select * from final
order by partner_name, events desc, event_type
