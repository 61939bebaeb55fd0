-- REPORT-DECISION-UNKNOWN: every cited council decision must be a decision of the report's program:
-- a number the registry knows for this program, or (cited by date only) a date it knows.
-- Returns the citation as written (value) and the program's decisions (expected); detail_code says when the
-- cited date predates the convocation that adopted the program's decisions.
WITH program_decisions AS (
    SELECT program_code,
           GROUP_CONCAT('№' || number || ' від ' || strftime('%d.%m.%Y', date), ', ') AS listed,
           MIN(convocation_start) AS convocation_start
    FROM (SELECT * FROM registry_decision ORDER BY date)
    GROUP BY program_code
)
SELECT r.report_key, NULL AS line_id, NULL AS measure, r.decisions_part AS part, r.decisions_row AS row, NULL AS column_ref,
       CASE WHEN c.number IS NULL THEN 'від ' ELSE '№' || c.number || ' від ' END
           || strftime('%d.%m.%Y', c.date) AS value,
       p.listed AS expected,
       CASE WHEN c.date < p.convocation_start THEN 'before_convocation' END AS detail_code,
       strftime('%d.%m.%Y', p.convocation_start) AS detail_value
FROM cited_decision AS c
JOIN {batch} AS r ON r.report_key = c.report_key
JOIN program_decisions AS p ON p.program_code = r.program_code
WHERE NOT EXISTS (
      SELECT 1 FROM registry_decision AS d
      WHERE d.program_code = r.program_code
        AND (d.number = c.number OR (c.number IS NULL AND d.date = c.date)))
