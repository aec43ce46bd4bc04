-- The overview's KPIs for each calendar month of the period (the cards' trend lines).
-- Same definitions as kpis.sql, computed per month: a person seen in two months counts
-- once in each, so monthly unique people do not add up to the period's.
with engagements_in_scope as (
    select *, date_trunc('month', engaged_on)::date as month
    from engagements_in_scope(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
),

events_in_scope as (
    select *, date_trunc('month', event_date)::date as month
    from events_in_scope(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
),

-- an event with individual records (over all data) is not counted again through its headcount
event_figures as (
    select date_trunc('month', event_date)::date as month, event_type, headcount_only, attendance
    from event_figures(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
),

months as (
    select month from months_of_period($start::date, $end::date)
),

engagement_counts as (
    select
        month,
        count(distinct participant_key) as unique_people,
        count(*) as engagement_contacts
    from engagements_in_scope
    group by month
),

event_counts as (
    select
        month,
        count(*) as events_held,
        sum(headcount_only) as headcount_contacts,
        sum(attendance) as event_attendance,
        count(*) filter (where event_type = 'stakeholder_meeting') as officials_meetings
    from event_figures
    group by month
),

languages_by_month as (
    select month, count(*) as languages_served
    from (
        select month, language from engagements_in_scope
        union
        select month, unnest(languages) as language from events_in_scope
    )
    group by month
),

neighborhoods_by_month as (
    select month, count(*) as neighborhoods_reached
    from (
        select month, neighborhood from engagements_in_scope where neighborhood is not null
        union
        select month, neighborhood from events_in_scope where neighborhood is not null
    )
    group by month
),

-- a co-host of a chosen partner's event is active only if it was chosen too (partner_events)
partners_by_month as (
    select month, count(*) as active_partners
    from (
        select month, partner_id from engagements_in_scope
        union
        select date_trunc('month', event_date)::date, partner_id
        from partner_events(
            $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
        )
    )
    group by month
),

final as (
    select
        m.month,
        coalesce(e.unique_people, 0) as unique_people,
        coalesce(e.engagement_contacts, 0) + coalesce(v.headcount_contacts, 0) as contacts,
        coalesce(v.events_held, 0) as events_held,
        coalesce(v.event_attendance, 0) as event_attendance,
        coalesce(l.languages_served, 0) as languages_served,
        coalesce(n.neighborhoods_reached, 0) as neighborhoods_reached,
        coalesce(a.active_partners, 0) as active_partners,
        coalesce(v.officials_meetings, 0) as officials_meetings
    from months as m
    left join engagement_counts as e using (month)
    left join event_counts as v using (month)
    left join languages_by_month as l using (month)
    left join neighborhoods_by_month as n using (month)
    left join partners_by_month as a using (month)
)

select * from final
order by month
