-- The collaboration network per calendar year: each pair of partners that held at least one
-- event together (host and co-host, or two co-hosts), with how many. Only the selected
-- partners: the network is the one among them (partner_events).
with partner_events as (
    select event_id, event_date, partner_id from partner_events(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
),

final as (
    select
        year(a.event_date) as year,
        a.partner_id as partner_a,
        b.partner_id as partner_b,
        count(*) as events
    from partner_events as a
    join partner_events as b on a.event_id = b.event_id and a.partner_id < b.partner_id
    group by all
)

select * from final
order by year, partner_a, partner_b
