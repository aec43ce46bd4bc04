-- Survey responses in the period and filters (one row): the actual of a survey_responses target.
with responses as (
    select response_id
    from surveys_in_scope(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
),

final as (
    select count(*) as responses
    from responses
)

select * from final
