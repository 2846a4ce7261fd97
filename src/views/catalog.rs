//! Catalog, listing and public storefront pages; synonyms admin.
