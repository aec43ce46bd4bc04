-- Contacts and unique people per partner and language (individual records only), with the
-- language's share of the partner's contacts: which partner serves which language.
with engagements_in_scope as (
    select * from engagements_in_scope(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
),

counts as (
    select
        partner_id,
        language,
        count(distinct participant_key) as unique_people,
        count(*) as contacts
    from engagements_in_scope
    group by all
),

final as (
    select
        c.partner_id,
        pa.name as partner_name,
        c.language,
        c.unique_people,
        c.contacts,
        c.contacts / sum(c.contacts) over (partition by c.partner_id) as share_of_partner_contacts
    from counts as c
    join partners as pa using (partner_id)
)

select * from final
order by partner_name, contacts desc, language
