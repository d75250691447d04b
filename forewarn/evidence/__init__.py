"""Evidence register: sources with chain of custody, incidents, legal-element mapping and
situation dossiers in which every finding cites its evidence."""
