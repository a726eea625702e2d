-- db2: HR and payroll, with a few things YugabyteDB dislikes: an xml column, a BRIN index,
-- a deferrable foreign key and an unlogged table.
CREATE SCHEMA hr;
CREATE TABLE hr.departments (
    id    serial PRIMARY KEY,
    name  text NOT NULL UNIQUE
);
CREATE TABLE hr.employees (
    id            serial PRIMARY KEY,
    department_id integer NOT NULL,
    name          text NOT NULL,
    hired_on      date NOT NULL,
    profile       xml,
    CONSTRAINT employees_department_fk FOREIGN KEY (department_id)
        REFERENCES hr.departments(id) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX employees_department_idx ON hr.employees (department_id);
CREATE TABLE hr.payslips (
    id          bigserial PRIMARY KEY,
    employee_id integer NOT NULL REFERENCES hr.employees(id),
    paid_at     timestamptz NOT NULL,
    gross_cents bigint NOT NULL
);
CREATE INDEX payslips_paid_at_brin ON hr.payslips USING brin (paid_at);
CREATE INDEX payslips_employee_idx ON hr.payslips (employee_id);
CREATE UNLOGGED TABLE hr.payroll_scratch (
    run_id  integer PRIMARY KEY,
    note    text
);
CREATE VIEW hr.headcount AS
    SELECT d.name, count(*) AS employees FROM hr.departments d JOIN hr.employees e ON e.department_id = d.id GROUP BY d.name;
CREATE FUNCTION hr.total_paid(p_employee integer) RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT coalesce(sum(gross_cents), 0) FROM hr.payslips WHERE employee_id = p_employee);
END;
$$;
INSERT INTO hr.departments (name) SELECT 'Dept ' || g FROM generate_series(1, 10) g;
INSERT INTO hr.employees (department_id, name, hired_on)
    SELECT 1 + g % 10, 'Employee ' || g, date '2020-01-01' + g FROM generate_series(1, 300) g;
INSERT INTO hr.payslips (employee_id, paid_at, gross_cents)
    SELECT 1 + g % 300, timestamptz '2024-01-01' + g * interval '1 hour', 100000 + g FROM generate_series(1, 2000) g;
SET client_min_messages = error;
ANALYZE;
