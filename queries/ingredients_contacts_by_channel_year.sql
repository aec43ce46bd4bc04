-- Contacts and unique people per calendar year and channel (individual records only: a
-- headcount has no channel). A person reached by phone and in person counts in both rows.
with engagements_in_scope as (
    select * from engagements_in_scope(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
),

final as (
    select
        year(engaged_on) as year,
        channel,
        count(*) as contacts,
        count(distinct participant_key) as unique_people
    from engagements_in_scope
    group by all
)

select * from final
order by year, contacts desc, channel nulls last
