-- REPORT-PROGRAM-MISMATCH: when a program is being collected, the report must be about that program.
-- Returns the report's program title (value) and the collected program's title (expected).
SELECT report_key, NULL AS line_id, NULL AS measure, title_part AS part, title_row AS row, NULL AS column_ref,
       program AS value, expected_program_title AS expected
FROM {batch}
WHERE expected_program IS NOT NULL AND program_code IS NOT NULL AND program_code <> expected_program
