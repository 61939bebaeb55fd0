-- REPORT-DECISION-UNKNOWN: every cited council decision must be a decision of the report's program:
-- a number the registry knows for this program, or (cited by date only) a date it knows.
-- Returns the citation as written (value) and the program's decisions in force at the period's end, as a header
-- should cite them (expected: «24.12.2020 № 31 (зі змінами від 23.09.2021 № 279)», staged from the registry).
SELECT r.report_key, NULL AS line_id, NULL AS measure, r.decisions_part AS part, r.decisions_row AS row, NULL AS column_ref,
       strftime('%d.%m.%Y', c.date) || COALESCE(' № ' || c.number, '') AS value,
       r.decisions_line AS expected
FROM cited_decision AS c
JOIN {batch} AS r ON r.report_key = c.report_key
WHERE r.decisions_line IS NOT NULL AND r.decisions_line <> ''
  AND NOT EXISTS (
      SELECT 1 FROM registry_decision AS d
      WHERE d.program_code = r.program_code
        AND (d.number = c.number OR (c.number IS NULL AND d.date = c.date)))
