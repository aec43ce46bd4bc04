-- Unique people and contacts by neighborhood, largest first. Contacts include the headcount
-- of events without individual records, placed in the event's neighborhood, so they add up
-- to the period's contacts; unique people come from individual records.
with engagements_in_scope as (
    select * from engagements_in_scope(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
),

-- events without individual records: their headcount is what counts as contacts
headcount_only_events as (
    select * from headcount_only_events(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
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
