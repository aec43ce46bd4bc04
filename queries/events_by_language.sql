-- Events held in each language and their attendance. An event offered in Cantonese and
-- English counts in both rows, so rows do not add up to the events held.
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

-- contacts recorded at each event, over all data (attendance of an event without a headcount)
recorded_at_event as (
    select event_id, count(*) as recorded
    from engagements
    where event_id is not null
    group by event_id
),

event_languages as (
    select
        ev.event_id,
        unnest(ev.languages) as language,
        coalesce(ev.attendance, r.recorded, 0) as attendance
    from events_in_scope as ev
    left join recorded_at_event as r using (event_id)
),

final as (
    select language, count(*) as events, sum(attendance) as attendance
    from event_languages, params as p
    -- with a language filter, an event in Cantonese and English shows only the chosen rows
    where p.languages is null or list_contains(p.languages, language)
    group by language
)

select * from final
order by events desc, language
