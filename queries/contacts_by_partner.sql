-- Each partner's contacts in the period, counted as queries/kpis.sql counts them with that partner
-- alone chosen: its engagements, plus the headcount of the events it hosted or co-hosted that have
-- no individual records (event_figures decides which). One row per partner, 0 for a partner without
-- any. The actual of every partner's contacts target comes from here: one pass for all partners
-- instead of one kpis run per partner.
with engagement_contacts as (
    select partner_id, count(*) as contacts
    from engagements_in_scope($start::date, $end::date, null::varchar[], null::varchar[], null::varchar[])
    group by partner_id
),

-- an event counts once for its host and once for each co-host (event_partners: a row for each)
headcount_contacts as (
    select ep.partner_id, sum(f.headcount_only) as contacts
    from event_figures($start::date, $end::date, null::varchar[], null::varchar[], null::varchar[]) as f
    join event_partners($start::date, $end::date, null::varchar[], null::varchar[], null::varchar[]) as ep
        on ep.event_id = f.event_id
    group by ep.partner_id
),

final as (
    select
        p.partner_id,
        (coalesce(e.contacts, 0) + coalesce(h.contacts, 0))::bigint as contacts
    from partners as p
    left join engagement_contacts as e on e.partner_id = p.partner_id
    left join headcount_contacts as h on h.partner_id = p.partner_id
)

select * from final
order by partner_id
