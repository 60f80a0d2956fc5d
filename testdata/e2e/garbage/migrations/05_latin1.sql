-- Données clients (encodage Windows-1252/Latin-1)
CREATE TABLE clients (org_id uuid NOT NULL, nom text DEFAULT 'Société');
