-- v_program_totals: one row per program and period over every counted submission: how many departments
-- and lines are counted, sums of planned / annual / financed, and computed_percent
-- = financed / annual * 100 rounded to 2 places (NULL when annual is 0 or missing).
-- Portable SQL: runs unchanged on SQLite and PostgreSQL.
CREATE VIEW v_program_totals AS
SELECT
    t.program_code AS program_code,
    t.period_code AS period_code,
    COUNT(*) AS department_count,
    CAST(SUM(t.line_count) AS INTEGER) AS line_count,
    ROUND(SUM(t.planned), 2) AS planned,
    ROUND(SUM(t.annual), 2) AS annual,
    ROUND(SUM(t.financed), 2) AS financed,
    CASE
        WHEN SUM(t.annual) IS NULL OR SUM(t.annual) = 0 THEN NULL
        ELSE ROUND(SUM(t.financed) * 100.0 / SUM(t.annual), 2)
    END AS computed_percent
FROM v_department_totals t
GROUP BY t.program_code, t.period_code;
