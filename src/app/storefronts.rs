//! Storefronts: an alumnus's business, its listings and photos, and its verification.
