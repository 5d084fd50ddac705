-- A message that carries a secret (an invite link) has its text blanked once
-- Telegram accepted it, so the secret is not kept in the database or in any
-- backup made afterwards.
ALTER TABLE outbox ADD COLUMN sensitive INTEGER NOT NULL DEFAULT 0;
