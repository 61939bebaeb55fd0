-- REPORT-NO-LINES: a report must have at least one line of the form (a measure or its sub-item); a report that
-- reports nothing cannot be counted as received. Returns the report with where its title stands.
SELECT report_key, NULL AS line_id, NULL AS measure, title_part AS part, title_row AS row, NULL AS column_ref,
       NULL AS value, NULL AS expected
FROM {batch}
WHERE report_key NOT IN (SELECT report_key FROM line)
