-- The collaboration network: for each pair of partners, the events they held together
-- (host and co-host, or two co-hosts). With a partner filter, the pairs are those of the
-- events a selected partner took part in, so a selected partner's collaborators show too.
-- every partner of the events in scope, selected or not (event_partners, not partner_events)
with event_partners as (
    select event_id, partner_id from event_partners(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
),

pairs as (
    select a.partner_id as partner_a, b.partner_id as partner_b, count(*) as events
    from event_partners as a
    join event_partners as b on a.event_id = b.event_id and a.partner_id < b.partner_id
    group by all
),

final as (
    select
        pr.partner_a,
        pa.name as partner_a_name,
        pr.partner_b,
        pb.name as partner_b_name,
        pr.events
    from pairs as pr
    join partners as pa on pa.partner_id = pr.partner_a
    join partners as pb on pb.partner_id = pr.partner_b
)

select * from final
order by events desc, partner_a, partner_b
