-- ROW-FINANCED-GT-ANNUAL: a line may not report more financed (cumulative since 1 January) than its annual volume.
-- Returns each failing line with its source row, financed (value), annual (expected) and the excess, in kopecks.
SELECT report_key, line_id, measure, part, row, col_financed AS column_ref,
       financed AS value_kop, annual AS expected_kop, financed - annual AS difference_kop
FROM {batch}
WHERE financed > annual
