-- REPORT-PERIOD-UNKNOWN: the header must name a period within the registered programs' years.
-- Returns the period as read (value).
SELECT report_key, NULL AS line_id, NULL AS measure, title_part AS part, title_row AS row, NULL AS column_ref,
       COALESCE(period, '') AS value, NULL AS expected
FROM {batch}
WHERE (period IS NULL OR period_registered = 0)
