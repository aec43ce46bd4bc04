-- What the sidebar filters offer: every partner, language and neighborhood in the store.
-- It does not depend on the selected filters, so changing a filter never re-runs it.
-- `position` orders each list the way people look for it: partners by name, languages by
-- how many contacts used them (so the common ones come first), neighborhoods by name.
with engagement_values as (
    select language, neighborhood, count(*) as contacts
    from engagements
    group by all
),

event_values as (
    select unnest(coalesce(languages, [])) as language, neighborhood
    from events
),

languages_seen as (
    select language, sum(contacts) as contacts
    from (
        select language, contacts from engagement_values
        union all
        select language, 0 from event_values
    )
    where language is not null
    group by language
),

neighborhoods_seen as (
    select distinct neighborhood
    from (
        select neighborhood from engagement_values
        union all
        select neighborhood from event_values
    )
    where neighborhood is not null
),

final as (
    select
        'partner' as dimension,
        partner_id as value,
        name as label,
        row_number() over (order by lower(name), partner_id) as position
    from partners
    union all
    select
        'language',
        language,
        language,
        row_number() over (order by contacts desc, language)
    from languages_seen
    union all
    select
        'neighborhood',
        neighborhood,
        neighborhood,
        row_number() over (order by neighborhood)
    from neighborhoods_seen
)

select * from final
order by dimension, position
