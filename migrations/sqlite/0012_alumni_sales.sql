-- Each alumnus's confirmed public sales, kept by the database as payments are confirmed, so the
-- outcomes dashboard sums one row per alumnus instead of every payment through orders and
-- businesses (a million orders: seconds per view). The definition stays the one of
-- domain::capital::activity (a public payment counts once it is confirmed; its amount); this
-- table is that sum kept up to date, whatever writes order_payments (the use cases, the demo,
-- the scale generator), and tests/http/outcomes.rs holds it equal to the sum over the rows.
-- An order never changes business and a business never changes owner.

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

CREATE TRIGGER alumni_sales_on_insert AFTER INSERT ON order_payments
WHEN NEW.confirmed_at IS NOT NULL
BEGIN
    INSERT INTO alumni_sales (alumnus_id, paid_orders, revenue)
    SELECT b.alumnus_id, 1, NEW.amount
    FROM orders o JOIN businesses b ON b.id = o.business_id WHERE o.id = NEW.order_id
    ON CONFLICT (alumnus_id) DO UPDATE SET paid_orders = paid_orders + 1,
        revenue = revenue + excluded.revenue;
END;

CREATE TRIGGER alumni_sales_on_update AFTER UPDATE ON order_payments
WHEN OLD.confirmed_at IS NOT NULL OR NEW.confirmed_at IS NOT NULL
BEGIN
    UPDATE alumni_sales SET paid_orders = paid_orders - 1, revenue = revenue - OLD.amount
    WHERE OLD.confirmed_at IS NOT NULL AND alumnus_id =
        (SELECT b.alumnus_id FROM orders o JOIN businesses b ON b.id = o.business_id
         WHERE o.id = OLD.order_id);
    INSERT INTO alumni_sales (alumnus_id, paid_orders, revenue)
    SELECT b.alumnus_id, 1, NEW.amount
    FROM orders o JOIN businesses b ON b.id = o.business_id
    WHERE o.id = NEW.order_id AND NEW.confirmed_at IS NOT NULL
    ON CONFLICT (alumnus_id) DO UPDATE SET paid_orders = paid_orders + 1,
        revenue = revenue + excluded.revenue;
END;

CREATE TRIGGER alumni_sales_on_delete AFTER DELETE ON order_payments
WHEN OLD.confirmed_at IS NOT NULL
BEGIN
    UPDATE alumni_sales SET paid_orders = paid_orders - 1, revenue = revenue - OLD.amount
    WHERE alumnus_id = (SELECT b.alumnus_id FROM orders o JOIN businesses b ON b.id = o.business_id
                        WHERE o.id = OLD.order_id);
END;
