-- How the partners work together, for the public page (one row, counts only: no partner, person
-- or text leaves this query): events two or more of the scope's partners held together, town
-- halls and community meetings the scope's partners held, and the languages their staff spoke.
-- With a partner filter (a share link's partners), only those partners count: an event one of
-- them held with an outside partner is not "held together" here, as on the collaboration chart.
with params as (
    select $partners::varchar[] as partners
),

-- each event of the period with how many of the scope's partners held it (host or co-host)
scope_events as (
    select ep.event_id, any_value(ep.event_type) as event_type, count(distinct ep.partner_id) as partners_held
    from partner_events($start::date, $end::date, $partners::varchar[], null::varchar[], null::varchar[]) as ep
    group by ep.event_id
),

-- languages spoken by the scope's staff who worked on at least one day of the period
staff_languages as (
    select distinct unnest(s.languages) as language
    from staff as s, params as p
    where
        s.started_on <= $end::date
        and (s.ended_on is null or s.ended_on >= $start::date)
        and (p.partners is null or list_contains(p.partners, s.partner_id))
),

final as (
    select
        (select count(*) from scope_events where partners_held >= 2) as events_together,
        (
            select count(*) from scope_events where event_type in ('town_hall', 'community_meeting')
        ) as town_halls,
        (select count(*) from staff_languages) as staff_languages
)

select * from final
