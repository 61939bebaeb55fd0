-- ROW-PERCENT-MISMATCH: the reported percent must match financed / annual x 100 within 0.5 percentage point.
-- No check where the annual volume is 0 (nothing to divide by) or the percent is not reported.
-- Returns the reported percent (value), the computed one (expected) and the gap, in hundredths of a percent.
SELECT report_key, line_id, measure, part, row, col_percent AS column_ref,
       percent AS value_pct,
       ROUND(financed * 10000.0 / annual) AS expected_pct,
       percent - ROUND(financed * 10000.0 / annual) AS difference_pct
FROM {batch}
WHERE annual > 0 AND percent IS NOT NULL AND financed IS NOT NULL
  AND ABS(percent - financed * 10000.0 / annual) > 50
