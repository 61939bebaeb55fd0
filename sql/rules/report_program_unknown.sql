-- REPORT-PROGRAM-UNKNOWN: the program named in the header must resolve to a registered program.
-- Returns the title as written (value).
SELECT r.report_key, NULL AS line_id, NULL AS measure, r.title_part AS part, r.title_row AS row, NULL AS column_ref,
       COALESCE(r.program, '') AS value, NULL AS expected
FROM report AS r
WHERE r.report_key IN (SELECT report_key FROM {batch})
  AND r.program_code IS NULL
