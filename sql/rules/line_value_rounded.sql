-- LINE-VALUE-ROUNDED: an amount written with fractions of a kopeck is kept rounded to kopecks.
-- Returns each such amount as read (value) and as kept (expected), with its line's source row.
SELECT l.report_key, l.line_id, l.measure, l.part, l.row, v.column_ref, v.field, v.value_text AS value,
       v.expected_text AS expected
FROM {batch} AS l
JOIN line_value AS v ON v.line_id = l.line_id
WHERE v.kind = 'rounded'
