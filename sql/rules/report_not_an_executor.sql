-- REPORT-NOT-AN-EXECUTOR: a registered department reporting on a registered program must be one of its executors.
-- Returns the department as written (value) and the program's title (expected).
SELECT report_key, NULL AS line_id, NULL AS measure, executors_part AS part, executors_row AS row,
       col_executors AS column_ref, department AS value, program_title AS expected
FROM {batch}
WHERE department_code IS NOT NULL AND program_code IS NOT NULL AND executes = 0
