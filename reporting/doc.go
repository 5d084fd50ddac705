// Package reporting is reportbot's core: the rules of a report's life,
// written once and known to no transport. It says who may do what to an
// assignment and when (the state machine in life.go), how late a report is
// (lateness.go), which period is "current" (period.go), when a snoozed
// reminder comes back (snooze.go), and what the status grid, the export and
// the deadline calendar hold (views.go). The bot, the command line and the
// demo call it; it imports neither Telegram nor cron, and it answers a
// refused action with an *Error carrying a code and a message key that the
// face translates into its reader's language.
package reporting
