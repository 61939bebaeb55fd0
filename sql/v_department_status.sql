-- v_department_status: one row for every active registered department x every period of each active program
-- it reports on: the deadline, the current submission if any (file, version, received_at in UTC) and its
-- status; with none, 'unreadable' when every file the department sent could not be read (refused_file and
-- refused_reason name the newest), else 'missing'; is_late is 1 when the current version came after the deadline day (city time),
-- 0 when on time, NULL when missing. Booleans come out as 0/1 integers on both engines.
-- Portable SQL: runs unchanged on SQLite and PostgreSQL.
CREATE VIEW v_department_status AS
SELECT
    d.code AS department_code,
    d.name AS department_name,
    p.code AS program_code,
    pe.code AS period_code,
    pe.deadline AS deadline,
    CASE WHEN dp.responsible_executor THEN 1 ELSE 0 END AS responsible_executor,
    s.id AS submission_id,
    s.source_file AS source_file,
    s.version AS version,
    s.received_at AS received_at,
    COALESCE(s.status, CASE WHEN rf.name IS NOT NULL THEN 'unreadable' ELSE 'missing' END) AS status,
    CASE WHEN s.id IS NULL THEN rf.name END AS refused_file,
    CASE WHEN s.id IS NULL THEN rf.reason END AS refused_reason,
    CASE
        WHEN s.id IS NULL THEN NULL
        WHEN s.received_at >= pe.late_from THEN 1
        ELSE 0
    END AS is_late
FROM department_program dp
JOIN department d ON d.id = dp.department_id
JOIN program p ON p.id = dp.program_id
JOIN period pe ON pe.year BETWEEN p.first_year AND p.last_year
LEFT JOIN submission s
    ON s.department_id = d.id
   AND s.program_id = p.id
   AND s.period_id = pe.id
   AND s.is_current
LEFT JOIN received_file rf
    ON rf.id = (SELECT MAX(r.id) FROM received_file r
                WHERE r.department_code = d.code AND r.period_code = pe.code
                  AND r.fate IN ('unreadable', 'unsupported'))
WHERE d.active AND p.active;
