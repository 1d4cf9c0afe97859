-- A credit note sent by e-mail: its message carries the credit note's PDF.
ALTER TABLE outbox ADD COLUMN credit_note_id INTEGER REFERENCES credit_notes(id);
