-- REPORT-DECISION-NO-NUMBER: a decision cited by its date alone is resolved from the registry and warned about.
-- Returns the cited date (value) and the decision it resolves to (expected).
SELECT r.report_key, NULL AS line_id, NULL AS measure, r.decisions_part AS part, r.decisions_row AS row, NULL AS column_ref,
       strftime('%d.%m.%Y', c.date) AS value,
       strftime('%d.%m.%Y', d.date) || ' № ' || d.number AS expected
FROM cited_decision AS c
JOIN {batch} AS r ON r.report_key = c.report_key
JOIN registry_decision AS d ON d.program_code = r.program_code AND d.date = c.date
WHERE c.number IS NULL
