//! Orders from the public: placing, quoting, paying, messages, reviews, and every change of an
//! order's state.
