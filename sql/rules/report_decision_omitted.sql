-- REPORT-DECISION-OMITTED: a report must cite every amending decision in force at the end of its period.
-- A decision counts as cited by its number, or by its date when no number is given.
-- Returns one row per report, listing the omitted decisions (expected).
SELECT r.report_key, NULL AS line_id, NULL AS measure, r.decisions_part AS part, r.decisions_row AS row, NULL AS column_ref,
       NULL AS value,
       GROUP_CONCAT(strftime('%d.%m.%Y', d.date) || ' № ' || d.number, ', ') AS expected
FROM {batch} AS r
JOIN (SELECT * FROM registry_decision ORDER BY date) AS d
  ON d.program_code = r.program_code AND d.kind = 'amends' AND d.date <= r.period_end
WHERE NOT EXISTS (
      SELECT 1 FROM cited_decision AS c
      WHERE c.report_key = r.report_key
        AND (c.number = d.number OR (c.number IS NULL AND c.date = d.date)))
GROUP BY r.report_key
