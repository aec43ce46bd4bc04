-- The period's town halls, community meetings and cultural events, one row each, newest
-- first, with their partners and how many came (the headcount, else the contacts recorded).
-- The title is the partner's own text: the page shows it as text, never as markup.
with gatherings as (
    select event_id, event_date, event_type, title, host_partner_id, co_host_partner_ids, attendance
    from event_figures(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
    where event_type in ('community_meeting', 'town_hall', 'cultural_event')
),

final as (
    select
        event_date,
        event_type,
        title,
        host_partner_id as partner_id,
        coalesce(co_host_partner_ids, []) as co_host_partner_ids,
        attendance
    from gatherings
)

select * from final
order by event_date desc, partner_id, title
