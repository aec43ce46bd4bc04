-- Languages and neighborhoods that are not in the contract's lists, with how many rows
-- use them: usually a spelling to fix at the partner, sometimes a value to add to the list.
with params as (
    select
        $known_languages::varchar[] as known_languages,
        $known_neighborhoods::varchar[] as known_neighborhoods
),

used_values as (
    select 'language' as column_name, language as value, partner_id from engagements
    union all
    select 'neighborhood', neighborhood, partner_id from engagements where neighborhood is not null
    union all
    select 'neighborhood', neighborhood, host_partner_id from events where neighborhood is not null
    union all
    select 'language', unnest(languages), host_partner_id from events
),

final as (
    select
        u.column_name,
        u.value,
        count(*) as rows,
        string_agg(distinct u.partner_id, ', ' order by u.partner_id) as partners
    from used_values as u, params as p
    where not list_contains(
        case when u.column_name = 'language' then p.known_languages else p.known_neighborhoods end, u.value
    )
    group by all
)

select * from final
order by rows desc, column_name, value
