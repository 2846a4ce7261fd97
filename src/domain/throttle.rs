//! Login throttling: after a number of recent failures, a growing wait.

/// Failures counted within this window.
pub const WINDOW_SECS: i64 = 15 * 60;
/// Per account: failures allowed before waits begin.
pub const ACCOUNT_FREE_FAILURES: i64 = 5;
/// Per address: higher, because a whole office often shares one public IP.
pub const IP_FREE_FAILURES: i64 = 20;
const BASE_WAIT_SECS: i64 = 30;
const MAX_WAIT_SECS: i64 = 15 * 60;

/// How long the next attempt must wait, given the recent failures and the time of the last one.
/// `None` means the attempt may proceed.
pub fn wait_needed(failures: i64, free: i64, last_failure_at: i64, now: i64) -> Option<i64> {
    if failures < free {
        return None;
    }
    let doublings = (failures - free).min(10) as u32;
    let wait = (BASE_WAIT_SECS << doublings).min(MAX_WAIT_SECS);
    let remaining = last_failure_at + wait - now;
    (remaining > 0).then_some(remaining)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_after_five_failures() {
        assert_eq!(wait_needed(4, ACCOUNT_FREE_FAILURES, 1000, 1000), None);
        assert_eq!(wait_needed(5, ACCOUNT_FREE_FAILURES, 1000, 1000), Some(30));
        assert_eq!(wait_needed(6, ACCOUNT_FREE_FAILURES, 1000, 1000), Some(60));
        assert_eq!(wait_needed(5, ACCOUNT_FREE_FAILURES, 1000, 1031), None);
        assert_eq!(
            wait_needed(40, ACCOUNT_FREE_FAILURES, 1000, 1000),
            Some(MAX_WAIT_SECS)
        );
    }
}
