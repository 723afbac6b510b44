-- a migration of the new version, run as the service's role: it must own what it alters
ALTER TABLE notes ADD COLUMN mood mood;
