-- Referrals between partners per calendar year: contacts a partner recorded for a person
-- another partner referred to it, and the people referred, by referring and receiving partner.
-- With a partner filter, the referrals a selected partner made or received.
with referred as (
    select engaged_on, participant_key, referred_by_partner_id, partner_id
    from engagements_in_scope(
        $start::date, $end::date, null::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
    where referred_by_partner_id is not null
        and (
            $partners::varchar[] is null
            or list_contains($partners::varchar[], partner_id)
            or list_contains($partners::varchar[], referred_by_partner_id)
        )
),

final as (
    select
        year(engaged_on) as year,
        referred_by_partner_id as from_partner_id,
        partner_id as to_partner_id,
        count(*) as contacts,
        count(distinct participant_key) as unique_people
    from referred
    group by all
)

select * from final
order by year, from_partner_id, to_partner_id
