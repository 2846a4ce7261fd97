//! The government channel's workflow: what happens when an office, a provider, a treasurer or
//! the deadline job acts on a request.
