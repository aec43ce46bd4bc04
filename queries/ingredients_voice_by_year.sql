-- The community's voice per calendar year: responses, and for three questions how many
-- answered and how many answered high (4 or 5 of 5) or yes. Counts only: the page turns them
-- into shares and leaves a year with few answers as counts.
with surveys_in_scope as (
    select * from surveys_in_scope(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
),

final as (
    select
        year(responded_on) as year,
        count(*) as responses,
        count(felt_safer) as felt_safer_answers,
        count(*) filter (where felt_safer >= 4) as felt_safer_high,
        count(trusts_organization) as trusts_answers,
        count(*) filter (where trusts_organization >= 4) as trusts_high,
        count(knows_where_to_get_help) as knows_help_answers,
        count(*) filter (where knows_where_to_get_help) as knows_help_yes
    from surveys_in_scope
    group by year
)

select * from final
order by year
