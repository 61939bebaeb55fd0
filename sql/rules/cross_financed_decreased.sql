-- CROSS-FINANCED-DECREASED: financed is cumulative since 1 January, so a measure's financed (its lines summed)
-- must not fall below what the department reported for it in the latest earlier period of the same year.
-- Returns the measure's first line, financed now (value) and then (expected) in kopecks; detail: that period.
WITH current_measure AS (
    SELECT l.report_key, l.measure, MIN(l.line_id) AS line_id, SUM(l.financed) AS financed
    FROM {batch} AS l
    GROUP BY l.report_key, l.measure
),
previous AS (
    SELECT r.report_key, h.measure, h.period, h.financed,
           ROW_NUMBER() OVER (PARTITION BY r.report_key, h.measure ORDER BY h.period_quarter DESC) AS newest
    FROM report AS r
    JOIN history_measure AS h
      ON h.department_code = r.department_code AND h.program_code = r.program_code
     AND h.period_year = r.period_year AND h.period_quarter < r.period_quarter
)
SELECT c.report_key, c.line_id, c.measure, l.part, l.row, l.col_financed AS column_ref,
       c.financed AS value_kop, p.financed AS expected_kop, c.financed - p.financed AS difference_kop,
       p.period AS detail
FROM current_measure AS c
JOIN previous AS p ON p.report_key = c.report_key AND p.measure = c.measure AND p.newest = 1
JOIN {batch} AS l ON l.line_id = c.line_id
WHERE c.financed < p.financed
