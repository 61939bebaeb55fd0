-- REPORT-DEPARTMENT-UNKNOWN: the executor named in the rows must resolve to a registered department.
-- Returns the name as written (value).
SELECT report_key, NULL AS line_id, NULL AS measure, executors_part AS part, executors_row AS row, col_executors AS column_ref,
       COALESCE(department, '') AS value, NULL AS expected
FROM {batch}
WHERE department_code IS NULL
