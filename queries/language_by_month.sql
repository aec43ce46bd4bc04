-- Unique people and contacts per language and calendar month (individual records only),
-- with the language's share of the month's contacts: the trend of each language.
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

months as (
    select unnest(generate_series(
        date_trunc('month', p.start_date), date_trunc('month', p.end_date), interval 1 month
    ))::date as month
    from params as p
),

languages_seen as (
    select distinct language from engagements_in_scope
),

counts as (
    select
        date_trunc('month', engaged_on)::date as month,
        language,
        count(distinct participant_key) as unique_people,
        count(*) as contacts
    from engagements_in_scope
    group by all
),

final as (
    select
        m.month,
        l.language,
        coalesce(c.unique_people, 0) as unique_people,
        coalesce(c.contacts, 0) as contacts,
        coalesce(c.contacts / sum(c.contacts) over (partition by m.month), 0) as share_of_contacts
    from months as m
    cross join languages_seen as l
    left join counts as c using (month, language)
)

select * from final
order by month, language
