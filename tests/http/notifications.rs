//! Marketplace: notifications.
