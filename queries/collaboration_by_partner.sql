-- Events per partner in the period, and how many of them it held together with another
-- partner (joint events: hosted with a co-host, or co-hosted). A last row with no partner_id
-- counts each event once: the period's events and joint events. With a partner filter, the
-- events are those a selected partner took part in, and their other partners are listed too.
with params as (
    select
        $start::date as start_date,
        $end::date as end_date,
        $partners::varchar[] as partners,
        $languages::varchar[] as languages,
        $neighborhoods::varchar[] as neighborhoods
),

events_in_scope as (
    select ev.*
    from events as ev, params as p
    where ev.event_date between p.start_date and p.end_date
        and (
            p.partners is null
            or list_contains(p.partners, ev.host_partner_id)
            or list_has_any(p.partners, coalesce(ev.co_host_partner_ids, []))
        )
        and (p.languages is null or list_has_any(p.languages, coalesce(ev.languages, [])))
        and (p.neighborhoods is null or list_contains(p.neighborhoods, ev.neighborhood))
),

event_partners as (
    select event_id, host_partner_id as partner_id from events_in_scope
    union
    select c.event_id, c.partner_id
    from event_cohosts as c
    join events_in_scope using (event_id)
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
