-- Unique people per year of the period by their main language: the language of most of
-- their contacts that year (ties: alphabetical). Each person is in exactly one language,
-- so a year's rows add up to its unique people; that is what lets the public page protect
-- small counts with complementary suppression (impact.privacy).
with params as (
    select
        $start::date as start_date,
        $end::date as end_date,
        $partners::varchar[] as partners
),

engagements_in_scope as (
    select e.participant_key, e.language, year(e.engaged_on) as year
    from engagements as e, params as p
    where e.engaged_on between p.start_date and p.end_date
        and (p.partners is null or list_contains(p.partners, e.partner_id))
),

contacts_by_language as (
    select year, participant_key, language, count(*) as contacts
    from engagements_in_scope
    group by year, participant_key, language
),

main_language as (
    select
        year,
        participant_key,
        language,
        row_number() over (partition by year, participant_key order by contacts desc, language) as rank
    from contacts_by_language
),

final as (
    select year, language, count(*) as people
    from main_language
    where rank = 1
    group by year, language
)

-- by name, never by count: an order by count would rank the suppressed counts
select * from final
order by year, language
