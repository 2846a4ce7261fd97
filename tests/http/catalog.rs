//! Marketplace: catalog.
