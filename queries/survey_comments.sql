-- The comments of the responses in the period and filters, newest first: free text as written,
-- for staff only (the public page never queries it).
with responses as (
    select *
    from surveys_in_scope(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
    where comment is not null
),

final as (
    select
        r.responded_on,
        r.partner_id,
        p.name as partner_name,
        r.language,
        r.neighborhood,
        r.age_group,
        r.comment,
        r.response_id
    from responses as r
    left join partners as p on p.partner_id = r.partner_id
)

select * from final
order by responded_on desc, response_id
