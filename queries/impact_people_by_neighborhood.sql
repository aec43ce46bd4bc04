-- Unique people per year of the period by their main neighborhood: the neighborhood of
-- most of their contacts that year (ties: alphabetical). People with no neighborhood on
-- any contact that year are one row with neighborhood null. Each person is in exactly one
-- row, so a year's rows add up to its unique people (see impact.privacy).
-- the public page's scope is a period and partners: no language or neighborhood filter
with engagements_in_scope as (
    select participant_key, neighborhood, year(engaged_on) as year
    from engagements_in_scope($start::date, $end::date, $partners::varchar[], null, null)
),

contacts_by_neighborhood as (
    select year, participant_key, neighborhood, count(*) as contacts
    from engagements_in_scope
    group by year, participant_key, neighborhood
),

-- a recorded neighborhood wins over none; then the most contacts; then alphabetical
main_neighborhood as (
    select
        year,
        participant_key,
        neighborhood,
        row_number() over (
            partition by year, participant_key
            order by neighborhood is null, contacts desc, neighborhood
        ) as rank
    from contacts_by_neighborhood
),

final as (
    select year, neighborhood, count(*) as people
    from main_neighborhood
    where rank = 1
    group by year, neighborhood
)

-- by name, never by count: an order by count would rank the suppressed counts
select * from final
order by year, neighborhood
