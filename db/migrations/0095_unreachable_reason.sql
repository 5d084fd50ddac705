-- Why a member's private chat refused the bot: they blocked it ('blocked'),
-- or never opened a chat with it ('not_started'), which the Office fixes in
-- different ways. Rows marked before this was recorded keep 'unknown'.
ALTER TABLE members ADD COLUMN unreachable_reason TEXT NOT NULL DEFAULT '';
UPDATE members SET unreachable_reason = 'unknown' WHERE unreachable_at IS NOT NULL;
