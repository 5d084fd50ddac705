package bot

import "github.com/reportbot/reportbot/db"

// The bot's whole surface: every command, button and typed answer, who may
// use it and in which chats. router.go enforces what this file declares;
// the handlers live one feature per file.

// Who may use a route.
var (
	everyone  = []db.Role{db.RoleHead, db.RoleMember, db.RoleOffice, db.RoleAdmin, db.RoleDirector}
	unitRoles = []db.Role{db.RoleHead, db.RoleMember}
	staff     = []db.Role{db.RoleOffice, db.RoleAdmin}
	// viewers may look at the status; only staff act on it.
	viewers = []db.Role{db.RoleOffice, db.RoleAdmin, db.RoleDirector}
	admins  = []db.Role{db.RoleAdmin}
)

// chats is the set of chats a route may run in.
type chats uint8

const (
	// inPrivate is a member's private chat with the bot.
	inPrivate chats = 1 << iota
	// inOffice is the bound Office chat, and only its topic when the Office
	// is bound to a forum topic.
	inOffice
	// inAnyGroup is any group the bot is in, the announcement group and
	// groups with strangers included.
	inAnyGroup

	// consoleChats is where the Office's console runs: a staff member's private
	// chat and the Office chat; never where strangers may read.
	consoleChats = inPrivate | inOffice
	// anywhere is for buttons whose handler checks the chat itself.
	anywhere = inPrivate | inOffice | inAnyGroup
)

// surface lists every route. The order of commands is the order of /help and
// of the Telegram menu; the order of file handlers is the order they are
// asked whether a file is theirs.
func (b *Bot) surface() *routeTable {
	return newRouteTable(
		[]commandRoute{
			{name: "start", chats: inPrivate, handle: b.cmdStart, strangers: true, hidden: true},
			{name: "help", roles: everyone, chats: inPrivate | inAnyGroup, handle: b.cmdHelp},
			{name: "lang", roles: everyone, chats: inPrivate, handle: b.cmdLang},
			{name: "bind", roles: admins, chats: inPrivate | inAnyGroup, handle: b.cmdBind},
			{name: "pending", roles: unitRoles, chats: inPrivate, handle: b.cmdPending},
			{name: "history", roles: unitRoles, chats: inPrivate, handle: b.cmdHistory},
			{name: "extend", roles: unitRoles, chats: inPrivate, handle: b.cmdExtend},
			{name: "status", roles: viewers, chats: consoleChats, handle: b.cmdStatus},
			{name: "overdue", roles: staff, chats: consoleChats, handle: b.cmdOverdue},
			{name: "remind", roles: staff, chats: consoleChats, handle: b.cmdRemind},
			{name: "announce", roles: staff, chats: inPrivate, handle: b.cmdAnnounce},
			{name: "export", roles: viewers, chats: consoleChats, handle: b.cmdExport},
			{name: "archive", roles: staff, chats: consoleChats, handle: b.cmdArchive},
			{name: "received", roles: staff, chats: inPrivate, handle: b.cmdReceived},
			{name: "soden", roles: staff, chats: consoleChats, handle: b.cmdIncoming},
			{name: "units", roles: staff, chats: consoleChats, handle: b.cmdUnits},
			{name: "members", roles: staff, chats: inPrivate, handle: b.cmdMembers},
			{name: "invite", roles: staff, chats: inPrivate, handle: b.cmdInvite},
			{name: "remove", roles: staff, chats: inPrivate, handle: b.cmdRemove},
			{name: "deadline", roles: staff, chats: inPrivate, handle: b.cmdDeadline},
			{name: "plan", roles: staff, chats: inPrivate, handle: b.cmdPlan},
			{name: "obligation", roles: staff, chats: inPrivate, handle: b.cmdObligation},
			{name: "calendar", roles: everyone, chats: inPrivate, handle: b.cmdCalendar},
			// The Office's own job (office.go).
			{name: "request", roles: staff, chats: inPrivate, handle: b.cmdRequest},
			{name: "synthesis", roles: staff, chats: consoleChats, handle: b.cmdSynthesis},
			{name: "sent", roles: staff, chats: consoleChats, handle: b.cmdSent},
			{name: "scorecard", roles: viewers, chats: consoleChats, handle: b.cmdScorecard},
			{name: "web", roles: everyone, chats: inPrivate, handle: b.cmdWeb}, // the Office's desk (desk_chat.go)
		},
		[]buttonRoute{
			// A unit's buttons: the handlers check the unit and the chat.
			{verb: VerbPick, roles: unitRoles, chats: anywhere, handle: b.cbPick},
			{verb: VerbOther, roles: unitRoles, chats: anywhere, handle: b.cbOther},
			{verb: VerbPaper, roles: unitRoles, chats: anywhere, handle: withArgs(b.cbPaper)},
			{verb: VerbExtend, roles: unitRoles, chats: anywhere, handle: withArgs(b.cbExtend)},
			{verb: VerbSnooze, roles: unitRoles, chats: anywhere, refusal: "snooze.not_member", handle: withArgs(b.onSnooze)},
			// The Office's decisions on what units sent.
			{verb: VerbAccept, roles: staff, chats: anywhere, refusal: "review.not_allowed", handle: withArgs(b.cbAccept)},
			{verb: VerbReturn, roles: staff, chats: anywhere, refusal: "review.not_allowed", handle: withArgs(b.cbReturn)},
			{verb: VerbPaperConfirm, roles: staff, chats: anywhere, refusal: "review.not_allowed", handle: withArgs(b.cbPaperConfirm)},
			// Extensions and deadline moves are decided by the Office, or by
			// the approver the plan names (a Director or a deputy, of any
			// role): the core and approval.go check who.
			{verb: VerbExtendYes, roles: everyone, chats: anywhere, handle: withArgs(extensionDecision(b, true))},
			{verb: VerbExtendNo, roles: everyone, chats: anywhere, handle: withArgs(extensionDecision(b, false))},
			{verb: VerbMoveYes, roles: everyone, chats: anywhere, handle: moveDecision(b, true)},
			{verb: VerbMoveNo, roles: everyone, chats: anywhere, handle: moveDecision(b, false)},
			// What a decided message keeps instead of its buttons.
			{verb: VerbDecided, roles: everyone, chats: anywhere, handle: b.cbDecided},
			// Paging a long keyboard; the buttons on each page keep their own checks.
			{verb: VerbPage, roles: everyone, chats: anywhere, handle: b.onPageButton},
			// The console's buttons.
			{verb: VerbStatus, roles: viewers, chats: consoleChats, refusal: "console.not_allowed", handle: b.onStatusButton},
			{verb: VerbNudge, roles: staff, chats: consoleChats, refusal: "console.not_allowed", handle: b.onNudge},
			{verb: VerbAnnounce, roles: staff, chats: consoleChats, refusal: "console.not_allowed", handle: b.onAnnounceButton},
			{verb: VerbPlan, roles: staff, chats: consoleChats, refusal: "console.not_allowed", handle: b.onPlanButton},
			{verb: VerbBind, roles: admins, chats: inAnyGroup, refusal: "bind.not_admin", handle: b.onBindButton},
			{verb: VerbRemove, roles: staff, chats: consoleChats, refusal: "console.not_allowed", handle: b.onRemoveButton},
			{verb: VerbRequest, roles: staff, chats: inPrivate, refusal: "console.not_allowed", handle: b.onRequestButton},
		},
		// Typed answers to a question the bot asked, in the private chat
		// where it asked; the role is checked again when the answer comes.
		[]inputRoute{
			{kind: inputPick, roles: unitRoles, handle: b.inputWhilePicking},
			{kind: inputAwait, roles: unitRoles, handle: b.inputWhileAwaiting},
			{kind: inputExtension, roles: unitRoles, handle: b.inputExtend},
			{kind: inputReturnReason, roles: staff, handle: b.inputReturn},
			{kind: inputAnnounce, roles: staff, handle: b.onAnnounceText},
			{kind: inputReceivedScan, roles: staff, handle: b.onReceivedScanText},
			{kind: inputRequest, roles: staff, handle: b.onRequestText},
		},
		// Files, asked in order whether they are theirs: the Office's
		// captions "/request" and "/sent" and a letter awaited by /request
		// come first; a plan file from the Office is a plan, not a report.
		[]fileFunc{
			b.maybeOfficeCaption,
			b.maybeRequestLetter,
			b.maybePlanFile,
			b.maybeReceivedScan,
			always(b.onMemberFiles),
		},
	)
}

// extensionDecision is the Office's answer to an extension request.
func extensionDecision(b *Bot, grant bool) func(*Request, []string) error {
	return func(r *Request, args []string) error { return b.decideExtension(r, args, grant) }
}
