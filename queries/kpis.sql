-- Coalition KPIs for one period and filter set (one row).
-- unique_people counts each person once across all partners; contacts counts every
-- engagement plus the headcount of events that have no individual records.
with engagements_in_scope as (
    select * from engagements_in_scope(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
),

events_in_scope as (
    select * from events_in_scope(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
),

-- an event with individual records (over all data) is not counted again through its headcount
event_figures as (
    select event_id, event_type, headcount_only, attendance
    from event_figures(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
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

-- a co-host of a chosen partner's event is active only if it was chosen too (partner_events)
partners_seen as (
    select partner_id from engagements_in_scope
    union
    select partner_id from partner_events(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
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
        (select count(*) from partners_seen) as active_partners,
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
