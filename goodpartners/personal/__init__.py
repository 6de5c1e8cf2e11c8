"""The worker's journey: the answers file, the questionnaire, meeting prep, the report model
and the history of saved results. Never imports a renderer or the command line."""
