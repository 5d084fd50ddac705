-- The Office's register gives each document that reaches it a "số đến"
-- (incoming number, Decree 30/2020). The bot's receipt code is its own; the
-- Office records the register's number against it.
ALTER TABLE submissions ADD COLUMN incoming_no TEXT NOT NULL DEFAULT '';
