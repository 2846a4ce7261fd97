//! Marketplace: storefront.
