-- A unit is the thing counted ("loyang"), not "per loyang": listings and the order lines that
-- copied them read "2 loyang" and "Minimal 25 kotak" instead of "2 per loyang".
UPDATE listings SET unit = TRIM(SUBSTR(unit, 5)) WHERE LOWER(unit) LIKE 'per %';
UPDATE order_items SET unit = TRIM(SUBSTR(unit, 5)) WHERE LOWER(unit) LIKE 'per %';
