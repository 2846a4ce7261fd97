//! The agency's side of the government channel: offices and their officers, needs and budget
//! lines, kinds of work, procurement settings, rotation appeals.
