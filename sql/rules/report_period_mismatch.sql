-- REPORT-PERIOD-MISMATCH: when a period is being collected, the report must be for that period.
-- Returns the report's period (value) and the collected one (expected).
SELECT r.report_key, NULL AS line_id, NULL AS measure, r.title_part AS part, r.title_row AS row, NULL AS column_ref,
       r.period AS value, r.expected_period AS expected
FROM report AS r
WHERE r.report_key IN (SELECT report_key FROM {batch})
  AND r.expected_period IS NOT NULL AND r.period IS NOT NULL AND r.period <> r.expected_period
