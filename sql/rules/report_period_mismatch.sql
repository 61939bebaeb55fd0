-- REPORT-PERIOD-MISMATCH: when a period is being collected, the report must be for that period.
-- Returns the report's period (value) and the collected one (expected).
SELECT report_key, NULL AS line_id, NULL AS measure, title_part AS part, title_row AS row, NULL AS column_ref,
       period AS value, expected_period AS expected
FROM {batch}
WHERE expected_period IS NOT NULL AND period IS NOT NULL AND period <> expected_period
