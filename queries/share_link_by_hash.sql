-- One share link by the SHA-256 of its token (what a visitor's link is checked against).
with links as (
    select * from share_links
),

final as (
    select
        link_id,
        label,
        recipient,
        language,
        partners,
        start_date,
        end_date,
        expires_on,
        revoked_at
    from links
    where token_sha256 = $token_sha256
)

select * from final
