CREATE TABLE arrivals (instance text PRIMARY KEY, role text NOT NULL);
