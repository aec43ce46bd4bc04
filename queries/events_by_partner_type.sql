-- Events per partner and event type, hosted or co-hosted (a co-hosted event counts for
-- each of its partners).
with partner_events as (
    select * from partner_events(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
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
