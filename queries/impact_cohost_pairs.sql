-- Partner collaboration for the public page: each pair of partners and the number of
-- events in the period they held together (host and co-hosts alike). With a partner
-- filter (a share link's partners), only pairs of two selected partners: a link names no
-- partner outside its scope. Partner ids and names only; event titles and topics are
-- staff's free text and never leave the server.
with params as (
    select $partners::varchar[] as partners
),

-- every event of the period, without the partner filter: it applies to the pairs below, so
-- that an event two selected partners held with an outside one shows only their own pair
event_partners as (
    select event_id, partner_id from event_partners($start::date, $end::date, null, null, null)
),

pairs as (
    select a.event_id, a.partner_id as partner_a, b.partner_id as partner_b
    from event_partners as a
    join event_partners as b on a.event_id = b.event_id and a.partner_id < b.partner_id, params as p
    where p.partners is null or (list_contains(p.partners, a.partner_id) and list_contains(p.partners, b.partner_id))
),

final as (
    select
        pairs.partner_a,
        pa.name as partner_a_name,
        pa.name_zh as partner_a_name_zh,
        pairs.partner_b,
        pb.name as partner_b_name,
        pb.name_zh as partner_b_name_zh,
        count(distinct pairs.event_id) as events
    from pairs
    join partners as pa on pa.partner_id = pairs.partner_a
    join partners as pb on pb.partner_id = pairs.partner_b
    group by all
)

-- by name, never by count: an order by count would rank the suppressed counts
select * from final
order by partner_a_name, partner_b_name
