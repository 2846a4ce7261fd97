//! Marketplace: orders.
