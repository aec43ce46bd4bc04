-- Events per calendar year, selected partner and event type, hosted or co-hosted (a co-hosted
-- event counts for each of its partners), and how many of them the partner held with another
-- partner (the event had two or more partners, selected or not).
with event_partners as (
    select event_id, event_date, event_type, partner_id from event_partners(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
),

partners_per_event as (
    select event_id, count(*) as partner_count
    from event_partners
    group by event_id
),

final as (
    select
        year(ep.event_date) as year,
        ep.partner_id,
        ep.event_type,
        count(*) as events,
        count(*) filter (where pe.partner_count > 1) as joint_events
    from event_partners as ep
    join partners_per_event as pe using (event_id)
    where $partners::varchar[] is null or list_contains($partners::varchar[], ep.partner_id)
    group by all
)

select * from final
order by year, partner_id, event_type
