-- A credit note sent by e-mail: its message carries the credit note's PDF.
ALTER TABLE outbox ADD COLUMN credit_note_id BIGINT REFERENCES credit_notes(id);
