-- Unique people and contacts by the language of contact, with each language's share of the
-- period's contacts. Every language is its own row, however few its speakers: nothing is
-- folded into "other". Individual records only (headcount-only events can have several
-- languages, so their attendance has no single language; see events_by_language.sql).
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

counts as (
    select
        language,
        count(distinct participant_key) as unique_people,
        count(*) as contacts
    from engagements_in_scope
    group by language
),

final as (
    select
        language,
        unique_people,
        contacts,
        contacts / sum(contacts) over () as share_of_contacts
    from counts
)

select * from final
order by contacts desc, language
