//! Storefront pages (alumni side) and business verification (agency side).
