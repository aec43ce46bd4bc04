-- Unique people and contacts by neighborhood, largest first. Contacts include the headcount
-- of events without individual records, placed in the event's neighborhood, so they add up
-- to the period's contacts; unique people come from individual records.
with params as (
    select
        $start::date as start_date,
        $end::date as end_date,
        $partners::varchar[] as partners,
        $languages::varchar[] as languages,
        $neighborhoods::varchar[] as neighborhoods
),

engagements_in_scope as (
    select e.*
    from engagements as e, params as p
    where e.engaged_on between p.start_date and p.end_date
        and (p.partners is null or list_contains(p.partners, e.partner_id))
        and (p.languages is null or list_contains(p.languages, e.language))
        and (p.neighborhoods is null or list_contains(p.neighborhoods, e.neighborhood))
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

-- events without individual records: their headcount is what counts as contacts
headcount_only_events as (
    select ev.*
    from events_in_scope as ev
    where ev.attendance is not null
        and not exists (select 1 from engagements as g where g.event_id = ev.event_id)
),

engagement_counts as (
    select
        neighborhood,
        count(distinct participant_key) as unique_people,
        count(*) as engagement_contacts
    from engagements_in_scope
    group by neighborhood
),

headcount_counts as (
    select neighborhood, sum(attendance) as headcount_contacts
    from headcount_only_events
    group by neighborhood
),

final as (
    select
        neighborhood,
        coalesce(e.unique_people, 0) as unique_people,
        coalesce(e.engagement_contacts, 0) + coalesce(h.headcount_contacts, 0) as contacts
    from engagement_counts as e
    full join headcount_counts as h using (neighborhood)
)

select * from final
order by contacts desc, neighborhood nulls last
