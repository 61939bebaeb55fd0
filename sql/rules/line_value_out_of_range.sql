-- LINE-VALUE-OUT-OF-RANGE: an amount must fit the warehouse (under 10^12 hryvnias; a percent under 10^5).
-- Returns each amount that does not, exactly as read (value), with its line's source row.
SELECT l.report_key, l.line_id, l.measure, l.part, l.row, v.column_ref, v.field, v.value_text AS value, NULL AS expected
FROM {batch} AS l
JOIN line_value AS v ON v.line_id = l.line_id
WHERE v.kind = 'out_of_range'
