-- Each alumnus's confirmed public sales, kept by the database as payments are confirmed. Same
-- table and trigger names as migrations/sqlite/0012_alumni_sales.sql, which explains why.

CREATE TABLE alumni_sales (
    alumnus_id  BIGINT NOT NULL PRIMARY KEY REFERENCES alumni(id),
    paid_orders BIGINT NOT NULL,
    revenue     BIGINT NOT NULL
);

INSERT INTO alumni_sales (alumnus_id, paid_orders, revenue)
SELECT b.alumnus_id, COUNT(*), SUM(p.amount)
FROM order_payments p JOIN orders o ON o.id = p.order_id JOIN businesses b ON b.id = o.business_id
WHERE p.confirmed_at IS NOT NULL
GROUP BY b.alumnus_id;

CREATE FUNCTION alumni_sales_follow() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    owner BIGINT;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.confirmed_at IS NOT NULL THEN
        SELECT b.alumnus_id INTO owner FROM orders o JOIN businesses b ON b.id = o.business_id
        WHERE o.id = OLD.order_id;
        UPDATE alumni_sales SET paid_orders = paid_orders - 1, revenue = revenue - OLD.amount
        WHERE alumnus_id = owner;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.confirmed_at IS NOT NULL THEN
        SELECT b.alumnus_id INTO owner FROM orders o JOIN businesses b ON b.id = o.business_id
        WHERE o.id = NEW.order_id;
        INSERT INTO alumni_sales (alumnus_id, paid_orders, revenue) VALUES (owner, 1, NEW.amount)
        ON CONFLICT (alumnus_id) DO UPDATE SET paid_orders = alumni_sales.paid_orders + 1,
            revenue = alumni_sales.revenue + excluded.revenue;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER alumni_sales_on_insert AFTER INSERT ON order_payments
FOR EACH ROW WHEN (NEW.confirmed_at IS NOT NULL) EXECUTE FUNCTION alumni_sales_follow();
CREATE TRIGGER alumni_sales_on_update AFTER UPDATE ON order_payments
FOR EACH ROW WHEN (OLD.confirmed_at IS NOT NULL OR NEW.confirmed_at IS NOT NULL)
EXECUTE FUNCTION alumni_sales_follow();
CREATE TRIGGER alumni_sales_on_delete AFTER DELETE ON order_payments
FOR EACH ROW WHEN (OLD.confirmed_at IS NOT NULL) EXECUTE FUNCTION alumni_sales_follow();
