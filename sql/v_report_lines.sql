-- v_report_lines: one row per line of every counted submission (current and not rejected), with the
-- department, program and period it belongs to, the amounts in hryvnias, the percent the department reported
-- and computed_percent = financed / annual * 100 rounded to 2 places (NULL when annual is 0 or missing).
-- Portable SQL: runs unchanged on SQLite and PostgreSQL.
CREATE VIEW v_report_lines AS
SELECT
    s.id AS submission_id,
    s.version AS version,
    d.code AS department_code,
    d.name AS department_name,
    p.code AS program_code,
    pe.code AS period_code,
    l.line_no AS line_no,
    l.measure_number AS measure,
    l.sub_item AS sub_item,
    l.task AS task,
    l.content AS content,
    l.term AS term,
    l.executors AS executors,
    l.planned AS planned,
    l.annual AS annual,
    l.financed AS financed,
    l.percent AS reported_percent,
    CASE
        WHEN l.annual IS NULL OR l.annual = 0 THEN NULL
        ELSE ROUND(l.financed * 100.0 / l.annual, 2)
    END AS computed_percent,
    l.info AS info,
    l.source_part AS source_part,
    l.source_row AS source_row
FROM report_line l
JOIN submission s ON s.id = l.submission_id
JOIN department d ON d.id = s.department_id
JOIN program p ON p.id = s.program_id
JOIN period pe ON pe.id = s.period_id
WHERE s.is_current
  AND s.status IN ('accepted', 'accepted_with_warnings');
