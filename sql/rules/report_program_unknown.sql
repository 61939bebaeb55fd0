-- REPORT-PROGRAM-UNKNOWN: the program named in the header must resolve to a registered program.
-- Returns the title as written (value).
SELECT report_key, NULL AS line_id, NULL AS measure, title_part AS part, title_row AS row, NULL AS column_ref,
       COALESCE(program, '') AS value, NULL AS expected
FROM {batch}
WHERE program_code IS NULL
