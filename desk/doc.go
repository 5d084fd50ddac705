// Package desk is the Office's desk: a Telegram Mini App and browser
// dashboard served under /app/. It shows the matrix of units × periods, a
// unit's submissions and audit trail, the register, and lets the Office
// accept, return and decide extensions and a head upload a report. It knows
// no Telegram client and never holds the bot token: callers are recognised by
// Telegram's signed init data (checked with the key derived from the token)
// or by a session opened with a single-use login link. Every rule of a
// report's life is asked of the Core.
package desk
