-- REPORT-TOTAL-MISMATCH: each amount of the «Всього» row must equal the sum of the lines within 1 hryvnia.
-- Returns one row per disagreeing column: the total row's value, the lines' sum (expected) and the gap, in kopecks.
WITH sums AS (
    SELECT report_key, SUM(planned) AS planned, SUM(annual) AS annual, SUM(financed) AS financed
    FROM line
    GROUP BY report_key
),
compared AS (
    SELECT r.report_key, r.total_part AS part, r.total_row AS row, r.col_planned AS column_ref, 'planned' AS field,
           r.total_planned AS total, s.planned AS lines
    FROM {batch} AS r JOIN sums AS s ON s.report_key = r.report_key
    UNION ALL
    SELECT r.report_key, r.total_part, r.total_row, r.col_annual, 'annual', r.total_annual, s.annual
    FROM {batch} AS r JOIN sums AS s ON s.report_key = r.report_key
    UNION ALL
    SELECT r.report_key, r.total_part, r.total_row, r.col_financed, 'financed', r.total_financed, s.financed
    FROM {batch} AS r JOIN sums AS s ON s.report_key = r.report_key
)
SELECT report_key, NULL AS line_id, NULL AS measure, part, row, column_ref, field,
       total AS value_kop, COALESCE(lines, 0) AS expected_kop, total - COALESCE(lines, 0) AS difference_kop
FROM compared
WHERE total IS NOT NULL AND ABS(total - COALESCE(lines, 0)) > 100
