-- Demand beside capacity, per language (Cantonese and Mandarin apart, as stored): the period's
-- contacts and unique people in the language, and the selected partners' staff who speak it
-- and worked on at least one day of the period. A language with contacts and no staff, or
-- staff and no contacts, has a row with zeros on the other side.
with engagements_in_scope as (
    select * from engagements_in_scope(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
),

demand as (
    select language, count(*) as contacts, count(distinct participant_key) as unique_people
    from engagements_in_scope
    group by language
),

spoken as (
    select partner_id, staff_key, unnest(languages) as language
    from staff
    where started_on <= $end::date
        and (ended_on is null or ended_on >= $start::date)
        and ($partners::varchar[] is null or list_contains($partners::varchar[], partner_id))
),

capacity as (
    select language, count(distinct (partner_id, staff_key)) as staff
    from spoken
    where $languages::varchar[] is null or list_contains($languages::varchar[], language)
    group by language
),

final as (
    select
        language,
        coalesce(d.contacts, 0) as contacts,
        coalesce(d.unique_people, 0) as unique_people,
        coalesce(c.staff, 0) as staff
    from demand as d
    full join capacity as c using (language)
)

select * from final
order by contacts desc, staff desc, language
