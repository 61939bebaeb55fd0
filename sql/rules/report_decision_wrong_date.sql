-- REPORT-DECISION-WRONG-DATE: a cited decision number the program knows must carry the date it was adopted.
-- Returns the citation as written (value) and as it should be (expected), both «23.09.2021 № 279».
SELECT r.report_key, NULL AS line_id, NULL AS measure, r.decisions_part AS part, r.decisions_row AS row, NULL AS column_ref,
       strftime('%d.%m.%Y', c.date) || ' № ' || c.number AS value,
       strftime('%d.%m.%Y', d.date) || ' № ' || d.number AS expected
FROM cited_decision AS c
JOIN {batch} AS r ON r.report_key = c.report_key
JOIN registry_decision AS d ON d.program_code = r.program_code AND d.number = c.number
WHERE d.date <> c.date
