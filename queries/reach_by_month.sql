-- Unique people and contacts per calendar month of the period.
-- A person seen in two months counts once in each month (people are counted per period).
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

headcount_only_events as (
    select ev.event_date, ev.attendance
    from events as ev, params as p
    where ev.event_date between p.start_date and p.end_date
        and ev.attendance is not null
        and not exists (select 1 from engagements as g where g.event_id = ev.event_id)
        and (
            p.partners is null
            or list_contains(p.partners, ev.host_partner_id)
            or list_has_any(p.partners, coalesce(ev.co_host_partner_ids, []))
        )
        and (p.languages is null or list_has_any(p.languages, coalesce(ev.languages, [])))
        and (p.neighborhoods is null or list_contains(p.neighborhoods, ev.neighborhood))
),

months as (
    select unnest(generate_series(
        date_trunc('month', p.start_date), date_trunc('month', p.end_date), interval 1 month
    ))::date as month
    from params as p
),

people_by_month as (
    select
        date_trunc('month', engaged_on)::date as month,
        count(distinct participant_key) as unique_people,
        count(*) as engagement_contacts
    from engagements_in_scope
    group by 1
),

headcount_by_month as (
    select date_trunc('month', event_date)::date as month, sum(attendance) as headcount_contacts
    from headcount_only_events
    group by 1
),

final as (
    select
        m.month,
        coalesce(p.unique_people, 0) as unique_people,
        coalesce(p.engagement_contacts, 0) + coalesce(h.headcount_contacts, 0) as contacts
    from months as m
    left join people_by_month as p using (month)
    left join headcount_by_month as h using (month)
)

select * from final
order by month
