//! Marketplace: api.
