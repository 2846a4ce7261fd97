//! Accounts: signing in and out, passwords, users managed by the agency, and alumni claiming
//! their record.
