"""职工档案 (manual ch. 2) on the record-module kit: the declaration (module.py); the files'
own models, services and pages stay in records."""
