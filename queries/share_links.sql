-- The share links for the directors' page, newest first, with their state today.
-- The token hash is not selected: nothing on a page needs it.
with params as (
    select $today::date as today
),

links as (
    select * from share_links
),

final as (
    select
        l.link_id,
        l.label,
        l.recipient,
        l.language,
        l.partners,
        l.start_date,
        l.end_date,
        l.expires_on,
        l.created_by,
        l.created_at,
        l.revoked_at,
        l.revoked_by,
        l.last_opened,
        l.times_opened,
        case
            when l.revoked_at is not null then 'revoked'
            when l.expires_on < p.today then 'expired'
            else 'active'
        end as state
    from links as l, params as p
)

select * from final
order by created_at desc, link_id desc
