-- Meetings with officials (events of type stakeholder_meeting) per calendar month, by
-- hosting partner: each meeting counts once, for its host, so the bars add up to the
-- meetings held. With a partner filter, meetings a selected partner co-hosted are included
-- under their host.
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

months as (
    select unnest(generate_series(
        date_trunc('month', p.start_date), date_trunc('month', p.end_date), interval 1 month
    ))::date as month
    from params as p
),

meetings as (
    select
        date_trunc('month', event_date)::date as month,
        host_partner_id as partner_id,
        count(*) as meetings
    from events_in_scope
    where event_type = 'stakeholder_meeting'
    group by all
),

final as (
    select
        m.month,
        mt.partner_id,
        pa.name as partner_name,
        coalesce(mt.meetings, 0) as meetings
    from months as m
    left join meetings as mt using (month)
    left join partners as pa using (partner_id)
)

select * from final
order by month, partner_name nulls first
