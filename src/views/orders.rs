//! Order form, order page, order lists, reviews, disputes.
