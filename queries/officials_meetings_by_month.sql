-- Meetings with officials (events of type stakeholder_meeting) per calendar month, by
-- hosting partner: each meeting counts once, for its host, so the bars add up to the
-- meetings held. With a partner filter, meetings a selected partner co-hosted are included
-- under their host.
with events_in_scope as (
    select * from events_in_scope(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
),

months as (
    select month from months_of_period($start::date, $end::date)
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
