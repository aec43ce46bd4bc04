-- Meeting people where they are, per calendar year, over contacts with individual records:
-- contacts in a language other than English (the person's own language is recorded with
-- each contact), and of the contacts at an event whose neighborhood and the person's are
-- both known, those held in the person's own neighborhood.
with engagements_in_scope as (
    select * from engagements_in_scope(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
),

contacts as (
    select
        e.engaged_on,
        e.language,
        e.neighborhood,
        ev.neighborhood as event_neighborhood
    from engagements_in_scope as e
    left join events as ev on ev.event_id = e.event_id
),

final as (
    select
        year(engaged_on) as year,
        count(*) as contacts,
        count(*) filter (where language <> 'English') as not_in_english,
        count(*) filter (where neighborhood is not null and event_neighborhood is not null) as at_placed_events,
        count(*) filter (where neighborhood = event_neighborhood) as in_own_neighborhood
    from contacts
    group by year
)

select * from final
order by year
