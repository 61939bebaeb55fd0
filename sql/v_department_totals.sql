-- v_department_totals: one row per counted submission (a department's current, not rejected report for a
-- program and period): number of lines, sums of planned / annual / financed, computed_percent
-- = financed / annual * 100 rounded to 2 places, and the «Всього» row as the department reported it.
-- Portable SQL: runs unchanged on SQLite and PostgreSQL.
CREATE VIEW v_department_totals AS
SELECT
    d.code AS department_code,
    d.name AS department_name,
    p.code AS program_code,
    pe.code AS period_code,
    s.id AS submission_id,
    s.version AS version,
    s.status AS status,
    COUNT(l.id) AS line_count,
    ROUND(SUM(l.planned), 2) AS planned,
    ROUND(SUM(l.annual), 2) AS annual,
    ROUND(SUM(l.financed), 2) AS financed,
    CASE
        WHEN SUM(l.annual) IS NULL OR SUM(l.annual) = 0 THEN NULL
        ELSE ROUND(SUM(l.financed) * 100.0 / SUM(l.annual), 2)
    END AS computed_percent,
    s.total_planned AS reported_total_planned,
    s.total_annual AS reported_total_annual,
    s.total_financed AS reported_total_financed,
    s.total_percent AS reported_total_percent
FROM submission s
JOIN department d ON d.id = s.department_id
JOIN program p ON p.id = s.program_id
JOIN period pe ON pe.id = s.period_id
LEFT JOIN report_line l ON l.submission_id = s.id
WHERE s.is_current
  AND s.status IN ('accepted', 'accepted_with_warnings')
GROUP BY
    d.code, d.name, p.code, pe.code, s.id, s.version, s.status,
    s.total_planned, s.total_annual, s.total_financed, s.total_percent;
