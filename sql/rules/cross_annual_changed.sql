-- CROSS-ANNUAL-CHANGED: a measure's annual volume may change from one period to the next of the same year only
-- when the report cites an amending decision of the program adopted after the earlier period ended.
-- Returns the measure's first line, the annual volume now (value) and then (expected) in kopecks; detail: that period.
WITH current_measure AS (
    SELECT l.report_key, l.measure, MIN(l.line_id) AS line_id, SUM(l.annual) AS annual
    FROM {batch} AS l
    GROUP BY l.report_key, l.measure
),
previous AS (
    SELECT r.report_key, h.measure, h.period, h.period_end, h.annual,
           ROW_NUMBER() OVER (PARTITION BY r.report_key, h.measure ORDER BY h.period_quarter DESC) AS newest
    FROM report AS r
    JOIN history_measure AS h
      ON h.department_code = r.department_code AND h.program_code = r.program_code
     AND h.period_year = r.period_year AND h.period_quarter < r.period_quarter
)
SELECT c.report_key, c.line_id, c.measure, l.part, l.row, l.col_annual AS column_ref,
       c.annual AS value_kop, p.annual AS expected_kop, c.annual - p.annual AS difference_kop,
       p.period AS detail
FROM current_measure AS c
JOIN previous AS p ON p.report_key = c.report_key AND p.measure = c.measure AND p.newest = 1
JOIN report AS r ON r.report_key = c.report_key
JOIN {batch} AS l ON l.line_id = c.line_id
WHERE c.annual <> p.annual
  AND NOT EXISTS (
      SELECT 1 FROM cited_decision AS cd
      JOIN registry_decision AS d
        ON d.program_code = r.program_code AND d.kind = 'amends'
       AND (d.number = cd.number OR (cd.number IS NULL AND d.date = cd.date))
      WHERE cd.report_key = r.report_key AND d.date > p.period_end AND d.date <= r.period_end)
