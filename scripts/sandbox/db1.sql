-- db1: a clean shop. Nothing here should trouble YugabyteDB.
CREATE SCHEMA shop;
CREATE TABLE shop.customers (
    id          bigserial PRIMARY KEY,
    email       text NOT NULL UNIQUE,
    full_name   text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE shop.products (
    id          serial PRIMARY KEY,
    sku         text NOT NULL UNIQUE,
    title       text NOT NULL,
    price_cents integer NOT NULL CHECK (price_cents >= 0)
);
CREATE TABLE shop.orders (
    id          bigserial PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES shop.customers(id),
    status      text NOT NULL DEFAULT 'new',
    placed_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_customer_idx ON shop.orders (customer_id);
CREATE TABLE shop.order_items (
    order_id    bigint NOT NULL REFERENCES shop.orders(id),
    product_id  integer NOT NULL REFERENCES shop.products(id),
    quantity    integer NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (order_id, product_id)
);
CREATE INDEX order_items_product_idx ON shop.order_items (product_id);
CREATE VIEW shop.order_totals AS
    SELECT o.id AS order_id, sum(i.quantity * p.price_cents) AS total_cents
    FROM shop.orders o JOIN shop.order_items i ON i.order_id = o.id JOIN shop.products p ON p.id = i.product_id
    GROUP BY o.id;
CREATE FUNCTION shop.place_order(p_customer bigint) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    new_id bigint;
BEGIN
    INSERT INTO shop.orders (customer_id) VALUES (p_customer) RETURNING id INTO new_id;
    RETURN new_id;
END;
$$;
INSERT INTO shop.customers (email, full_name)
    SELECT 'c' || g || '@example.com', 'Customer ' || g FROM generate_series(1, 200) g;
INSERT INTO shop.products (sku, title, price_cents)
    SELECT 'SKU-' || g, 'Product ' || g, g * 100 FROM generate_series(1, 50) g;
INSERT INTO shop.orders (customer_id, status) SELECT 1 + g % 200, 'new' FROM generate_series(1, 500) g;
INSERT INTO shop.order_items SELECT o, 1 + o % 50, 1 + o % 3 FROM generate_series(1, 500) o;
SET client_min_messages = error;
ANALYZE;
