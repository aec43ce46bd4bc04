-- The public impact page's headline figures, per calendar year of the period and for the
-- whole period (period = 'all'). Definitions follow kpis.sql, so the public page and the
-- internal overview agree; only what may be shown differs (impact.privacy decides that).
-- Years are clipped to the period, so the years' contacts and events add up exactly to
-- the whole period's; unique people do not (a person seen in two years counts once).
with params as (
    select
        $start::date as start_date,
        $end::date as end_date,
        $partners::varchar[] as partners
),

-- the public page's scope is a period and partners: no language or neighborhood filter
engagements_in_scope as (
    select participant_key, language, neighborhood, partner_id, year(engaged_on) as year
    from engagements_in_scope($start::date, $end::date, $partners::varchar[], null, null)
),

events_in_scope as (
    select event_id, event_type, languages, neighborhood, year(event_date) as year
    from events_in_scope($start::date, $end::date, $partners::varchar[], null, null)
),

-- events without individual records: their headcount is what counts as contacts
headcount_only as (
    select year(event_date) as year, attendance as headcount
    from headcount_only_events($start::date, $end::date, $partners::varchar[], null, null)
),

languages_seen as (
    select year, language from engagements_in_scope
    union
    select year, unnest(languages) as language from events_in_scope
),

neighborhoods_seen as (
    select year, neighborhood from engagements_in_scope where neighborhood is not null
    union
    select year, neighborhood from events_in_scope where neighborhood is not null
),

-- a co-host of a chosen partner's event is active only if it was chosen too (partner_events)
partners_seen as (
    select year, partner_id from engagements_in_scope
    union
    select year(event_date), partner_id
    from partner_events($start::date, $end::date, $partners::varchar[], null, null)
),

periods as (
    select cast(y as varchar) as period, y as year
    from params as p, range(year(p.start_date), year(p.end_date) + 1) as t(y)
    union all
    select 'all', null
),

-- each measure by year and for all years (grouping sets); 'all' rows have year null
people as (
    select year, count(distinct participant_key) as unique_people, count(*) as engagement_contacts
    from engagements_in_scope group by grouping sets ((year), ())
),

headcounts as (
    select year, sum(headcount) as headcount_contacts from headcount_only group by grouping sets ((year), ())
),

event_counts as (
    select
        year,
        count(*) as events,
        count(*) filter (where event_type = 'stakeholder_meeting') as officials_meetings
    from events_in_scope group by grouping sets ((year), ())
),

languages as (
    select year, count(distinct language) as languages_served from languages_seen group by grouping sets ((year), ())
),

neighborhoods as (
    select year, count(distinct neighborhood) as neighborhoods_reached
    from neighborhoods_seen group by grouping sets ((year), ())
),

partners as (
    select year, count(distinct partner_id) as active_partners from partners_seen group by grouping sets ((year), ())
),

final as (
    select
        d.period,
        d.year,
        coalesce(pe.unique_people, 0) as unique_people,
        (coalesce(pe.engagement_contacts, 0) + coalesce(h.headcount_contacts, 0))::bigint as contacts,
        coalesce(ev.events, 0) as events,
        coalesce(ev.officials_meetings, 0) as officials_meetings,
        coalesce(l.languages_served, 0) as languages_served,
        coalesce(n.neighborhoods_reached, 0) as neighborhoods_reached,
        coalesce(pa.active_partners, 0) as active_partners
    from periods as d
    left join people as pe on pe.year is not distinct from d.year
    left join headcounts as h on h.year is not distinct from d.year
    left join event_counts as ev on ev.year is not distinct from d.year
    left join languages as l on l.year is not distinct from d.year
    left join neighborhoods as n on n.year is not distinct from d.year
    left join partners as pa on pa.year is not distinct from d.year
)

select * from final
order by year nulls last
