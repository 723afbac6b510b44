-- what an older version's migrations made, as the superuser, in the database postgres
CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL, mood_then text);
CREATE SEQUENCE ticket_numbers;
CREATE VIEW note_bodies AS SELECT body FROM notes;
CREATE FUNCTION note_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM notes';
CREATE TYPE mood AS ENUM ('calm', 'busy');
