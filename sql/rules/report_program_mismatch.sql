-- REPORT-PROGRAM-MISMATCH: when a program is being collected, the report must be about that program.
-- Returns the report's program title (value) and the collected program's title (expected).
SELECT r.report_key, NULL AS line_id, NULL AS measure, r.title_part AS part, r.title_row AS row, NULL AS column_ref,
       r.program AS value, r.expected_program_title AS expected
FROM report AS r
WHERE r.report_key IN (SELECT report_key FROM {batch})
  AND r.expected_program IS NOT NULL AND r.program_code IS NOT NULL AND r.program_code <> r.expected_program
