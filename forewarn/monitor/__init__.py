"""Monitoring: ingest text and event streams, score hate speech, incitement and dehumanisation,
tag Framework-of-Analysis risk factors, and alert on spikes per country and day."""
