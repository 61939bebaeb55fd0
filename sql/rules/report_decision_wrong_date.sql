-- REPORT-DECISION-WRONG-DATE: a cited decision number the program knows must carry the date it was adopted.
-- Returns the citation as written (value) and the registry's date for that number (expected).
SELECT r.report_key, NULL AS line_id, NULL AS measure, r.decisions_part AS part, r.decisions_row AS row, NULL AS column_ref,
       '№' || c.number || ' від ' || strftime('%d.%m.%Y', c.date) AS value,
       strftime('%d.%m.%Y', d.date) AS expected
FROM cited_decision AS c
JOIN {batch} AS r ON r.report_key = c.report_key
JOIN registry_decision AS d ON d.program_code = r.program_code AND d.number = c.number
WHERE d.date <> c.date
