//! Notification list.
