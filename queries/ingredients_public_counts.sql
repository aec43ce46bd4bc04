-- The ingredients' counts for the public impact page, for all partners together in the period
-- (one row, counts only: no partner, person or text leaves this query).
with events_in_period as (
    select event_type, co_host_partner_ids
    from events_in_scope($start::date, $end::date, null::varchar[], null::varchar[], null::varchar[])
),

partners_active as (
    select partner_id
    from engagements_in_scope($start::date, $end::date, null::varchar[], null::varchar[], null::varchar[])
    union
    select partner_id
    from event_partners($start::date, $end::date, null::varchar[], null::varchar[], null::varchar[])
),

-- languages spoken by staff who worked on at least one day of the period
staff_languages as (
    select distinct unnest(languages) as language
    from staff
    where started_on <= $end::date and (ended_on is null or ended_on >= $start::date)
),

final as (
    select
        (select count(*) from events_in_period where coalesce(len(co_host_partner_ids), 0) > 0) as cohosted_events,
        (select count(*) from events_in_period where event_type = 'stakeholder_meeting') as officials_meetings,
        (
            select count(*) from events_in_period where event_type in ('town_hall', 'community_meeting')
        ) as town_halls,
        (select count(*) from partners_active) as partners,
        (select count(*) from staff_languages) as staff_languages
)

select * from final
