-- Staff of the selected partners who worked there on at least one day of the period, per
-- partner and language they speak (a staff member who speaks three languages counts in each),
-- with their full-time equivalents (a staff member without an fte counts as full time).
with staff_in_period as (
    select partner_id, staff_key, languages, coalesce(fte, 1) as fte
    from staff
    where started_on <= $end::date
        and (ended_on is null or ended_on >= $start::date)
        and ($partners::varchar[] is null or list_contains($partners::varchar[], partner_id))
),

spoken as (
    select partner_id, staff_key, fte, unnest(languages) as language
    from staff_in_period
),

final as (
    select
        partner_id,
        language,
        count(distinct staff_key) as staff,
        sum(fte) as fte
    from spoken
    where $languages::varchar[] is null or list_contains($languages::varchar[], language)
    group by all
)

select * from final
order by partner_id, staff desc, language
