package db

// Purpose is what an outbox message is about. It is remembered with the
// sent message's id, so the bot can find the message again (to pin an
// announcement) and tell when a unit was last chased.
type Purpose string

// Outbox purposes.
const (
	PurposeReminder     Purpose = "reminder"     // a planner notice before or after a deadline
	PurposeOverdue      Purpose = "overdue"      // an overdue notice to a head
	PurposeNudge        Purpose = "nudge"        // the Office chasing a unit by hand
	PurposeEscalation   Purpose = "escalation"   // the Director told of a long-late report
	PurposeDigest       Purpose = "digest"       // the Office's daily list or the group's weekly one
	PurposeSummary      Purpose = "summary"      // the group's result after a deadline
	PurposeSubmission   Purpose = "submission"   // a submission's card in the Office chat
	PurposeAnnouncement Purpose = "announcement" // the Office's announcement in the group
	PurposeReceipt      Purpose = "receipt"      // a receipt to the unit for a submission
	PurposeReturn       Purpose = "return"       // a returned report, told to the unit
	PurposeAlbum        Purpose = "album"        // an album's other messages, taken into one submission
)
