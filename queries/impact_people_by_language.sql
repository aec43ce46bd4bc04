-- Unique people per year of the period by their main language: the language of most of
-- their contacts that year (ties: alphabetical). Each person is in exactly one language,
-- so a year's rows add up to its unique people; that is what lets the public page protect
-- small counts with complementary suppression (impact.privacy).
-- the public page's scope is a period and partners: no language or neighborhood filter
with engagements_in_scope as (
    select participant_key, language, year(engaged_on) as year
    from engagements_in_scope($start::date, $end::date, $partners::varchar[], null, null)
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
