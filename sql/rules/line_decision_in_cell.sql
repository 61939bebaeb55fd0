-- LINE-DECISION-IN-CELL: a council decision cited beside an amount («402,70 відповідно до рішення міської ради
-- від 23.09.2022 № 279») must be one of the program's decisions, with the date it was adopted, as in the header.
-- Returns the cell (its form column in `field`), the citation as written (value) and the right one: the
-- registry's date for that number, or every decision of the program (expected); detail_code says which.
SELECT l.report_key, l.line_id, l.measure, l.part, l.row, c.column_ref, c.field,
       strftime('%d.%m.%Y', c.date) || ' № ' || c.number AS value,
       COALESCE(strftime('%d.%m.%Y', d.date) || ' № ' || d.number, r.decisions_line) AS expected,
       CASE WHEN d.number IS NULL THEN 'unknown' ELSE 'wrong_date' END AS detail_code,
       c.number AS detail_value
FROM cell_decision AS c
JOIN {batch} AS l ON l.line_id = c.line_id
JOIN report AS r ON r.report_key = l.report_key
LEFT JOIN (SELECT DISTINCT program_code, number, date FROM registry_decision) AS d
  ON d.program_code = r.program_code AND d.number = c.number
WHERE r.program_code IS NOT NULL AND (d.number IS NULL OR d.date <> c.date)
