-- Unique people and contacts by the language of contact, with each language's share of the
-- period's contacts. Every language is its own row, however few its speakers: nothing is
-- folded into "other". Individual records only (headcount-only events can have several
-- languages, so their attendance has no single language; see events_by_language.sql).
with engagements_in_scope as (
    select * from engagements_in_scope(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
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
