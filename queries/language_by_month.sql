-- Unique people and contacts per language and calendar month (individual records only),
-- with the language's share of the month's contacts: the trend of each language.
with engagements_in_scope as (
    select * from engagements_in_scope(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
),

months as (
    select month from months_of_period($start::date, $end::date)
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
        -- a month without any contact has no shares at all: a gap in the chart, never 0%
        coalesce(c.contacts, 0) / nullif(sum(c.contacts) over (partition by m.month), 0) as share_of_contacts
    from months as m
    cross join languages_seen as l
    left join counts as c using (month, language)
)

select * from final
order by month, language
