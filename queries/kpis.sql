-- Coalition KPIs for one period and filter set (one row).
-- unique_people counts each person once across all partners; contacts counts every
-- engagement plus the headcount of events that have no individual records.
with params as (
    select $partners::varchar[] as partners
),

engagements_in_scope as (
    select * from engagements_in_scope(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
),

events_in_scope as (
    select * from events_in_scope(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
),

-- contacts recorded at each event, over all data: an event with individual records
-- must not be counted again through its headcount
recorded_at_event as (
    select event_id, count(*) as recorded
    from engagements
    where event_id is not null
    group by event_id
),

event_figures as (
    select
        ev.event_id,
        ev.event_type,
        case when r.recorded is null then coalesce(ev.attendance, 0) else 0 end as headcount_only,
        coalesce(ev.attendance, r.recorded, 0) as attendance
    from events_in_scope as ev
    left join recorded_at_event as r using (event_id)
),

languages_seen as (
    select language from engagements_in_scope
    union
    select unnest(languages) as language from events_in_scope
),

neighborhoods_seen as (
    select neighborhood from engagements_in_scope where neighborhood is not null
    union
    select neighborhood from events_in_scope where neighborhood is not null
),

partners_seen as (
    select partner_id from engagements_in_scope
    union
    select host_partner_id from events_in_scope
    union
    select c.partner_id
    from event_cohosts as c
    join events_in_scope using (event_id)
),

counts as (
    select
        (select count(distinct participant_key) from engagements_in_scope) as unique_people,
        (select count(*) from engagements_in_scope) as engagement_contacts,
        (select coalesce(sum(headcount_only), 0) from event_figures) as headcount_contacts,
        (select count(*) from event_figures) as events_held,
        (select coalesce(sum(attendance), 0) from event_figures) as event_attendance,
        (select count(*) from languages_seen) as languages_served,
        (select count(*) from neighborhoods_seen) as neighborhoods_reached,
        -- a co-host of a chosen partner's event is active only if it was chosen too
        (
            select count(*) from partners_seen, params as p
            where p.partners is null or list_contains(p.partners, partner_id)
        ) as active_partners,
        (select count(*) from event_figures where event_type = 'stakeholder_meeting') as officials_meetings
),

final as (
    select
        unique_people,
        engagement_contacts + headcount_contacts as contacts,
        engagement_contacts,
        headcount_contacts,
        events_held,
        event_attendance,
        languages_served,
        neighborhoods_reached,
        active_partners,
        officials_meetings
    from counts
)

select * from final
