"""The HR lead's journey: reading a team's form export, scoring it row by row, tallying
and summarising. Never imports a renderer or the command line: the caller renders."""
