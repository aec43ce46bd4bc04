-- Unique people and contacts by the channel of contact (individual records only:
-- headcount-only event attendance has no channel). A person reached by phone and in
-- person counts in both rows; contacts add up to the period's recorded contacts.
with engagements_in_scope as (
    select * from engagements_in_scope(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
),

final as (
    select
        channel,
        count(distinct participant_key) as unique_people,
        count(*) as contacts
    from engagements_in_scope
    group by channel
)

select * from final
order by contacts desc, channel nulls last
