-- How fresh each partner's data is: the last upload that holds its contacts or events, and
-- the dates of its latest contact and event. A director checks these before trusting a
-- recent trend. Only the partner filter applies; the dates are over all data.
with params as (
    select $partners::varchar[] as partners
),

partner_batches as (
    select partner_id, batch_id from engagements group by all
    union
    select host_partner_id, batch_id from events group by all
),

last_uploads as (
    select pb.partner_id, max(b.loaded_at) as last_upload
    from partner_batches as pb
    join batches as b using (batch_id)
    where b.status = 'loaded'
    group by pb.partner_id
),

last_contacts as (
    select partner_id, max(engaged_on) as last_contact
    from engagements
    group by partner_id
),

-- every event, whatever its date, for its host and for each co-host
event_partners as (
    select partner_id, event_date
    from event_partners('-infinity'::date, 'infinity'::date, null, null, null)
),

last_events as (
    select partner_id, max(event_date) as last_event
    from event_partners
    group by partner_id
),

final as (
    select
        pa.partner_id,
        pa.name as partner_name,
        u.last_upload,
        c.last_contact,
        e.last_event,
        greatest(c.last_contact, e.last_event) as last_activity
    from partners as pa
    cross join params as p
    left join last_uploads as u using (partner_id)
    left join last_contacts as c using (partner_id)
    left join last_events as e using (partner_id)
    where p.partners is null or list_contains(p.partners, pa.partner_id)
)

select * from final
order by partner_name
