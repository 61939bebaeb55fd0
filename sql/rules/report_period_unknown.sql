-- REPORT-PERIOD-UNKNOWN: the header must name a period within the registered programs' years.
-- Returns the period as read (value).
SELECT r.report_key, NULL AS line_id, NULL AS measure, r.title_part AS part, r.title_row AS row, NULL AS column_ref,
       COALESCE(r.period, '') AS value, NULL AS expected
FROM report AS r
WHERE r.report_key IN (SELECT report_key FROM {batch})
  AND (r.period IS NULL OR r.period_registered = 0)
