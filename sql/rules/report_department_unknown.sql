-- REPORT-DEPARTMENT-UNKNOWN: the executor named in the rows must resolve to a registered department.
-- Returns the name as written (value).
SELECT r.report_key, NULL AS line_id, NULL AS measure, r.executors_part AS part, r.executors_row AS row, r.col_executors AS column_ref,
       COALESCE(r.department, '') AS value, NULL AS expected
FROM report AS r
WHERE r.report_key IN (SELECT report_key FROM {batch})
  AND r.department_code IS NULL
