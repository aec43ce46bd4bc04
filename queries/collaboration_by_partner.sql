-- Events per partner in the period, and how many of them it held together with another
-- partner (joint events: hosted with a co-host, or co-hosted). A last row with no partner_id
-- counts each event once: the period's events and joint events. With a partner filter, the
-- events are those a selected partner took part in, and their other partners are listed too.
-- every partner of the events in scope, selected or not (event_partners, not partner_events)
with event_partners as (
    select event_id, partner_id from event_partners(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
),

partners_per_event as (
    select event_id, count(*) as partner_count
    from event_partners
    group by event_id
),

counts as (
    select
        ep.partner_id,
        count(distinct ep.event_id) as events,
        count(distinct ep.event_id) filter (where pe.partner_count > 1) as joint_events
    from event_partners as ep
    join partners_per_event as pe using (event_id)
    group by grouping sets ((ep.partner_id), ())
),

final as (
    select c.partner_id, pa.name as partner_name, c.events, c.joint_events
    from counts as c
    left join partners as pa using (partner_id)
)

select * from final
order by partner_id nulls last
