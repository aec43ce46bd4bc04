-- Contacts and unique people per partner and language (individual records only), with the
-- language's share of the partner's contacts: which partner serves which language.
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
